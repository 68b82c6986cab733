using System.Globalization;
using Clientele.Features.Portal.Sessions;
using Clientele.Platform;
using Clientele.Platform.Email;
using Clientele.Platform.Hosting;
using Clientele.Platform.Security;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Portal.Access;

public abstract record StaticLinkOutcome
{
    /// <summary>The request was taken. Whether an e-mail went out is deliberately not said.</summary>
    public sealed record Accepted : StaticLinkOutcome;

    public sealed record RateLimited(TimeSpan RetryAfter) : StaticLinkOutcome;
}

public abstract record DynamicLinkOutcome
{
    public sealed record Created(string Link, DateTime ExpiresAt) : DynamicLinkOutcome;

    public sealed record CustomerNotFound : DynamicLinkOutcome;
}

public abstract record RedeemOutcome
{
    public sealed record SignedIn(string SessionToken) : RedeemOutcome;

    public sealed record Refused(LinkState State) : RedeemOutcome;
}

/// <summary>
/// How customers get into one business's portal: a link e-mailed from the static link page, or a
/// dynamic link made by the merchant's API; both are single-use links redeemed into a session.
/// The pages and the API call these operations.
/// </summary>
public sealed class PortalAccess(
    NpgsqlDataSource dataSource,
    PortalLinkStore links,
    PortalSessionStore sessions,
    PortalEmails emails,
    EmailOutbox outbox,
    EmailDispatchSignal mailSignal,
    RateLimiter rateLimiter,
    IOptions<PortalOptions> options,
    IOptions<PublicUrlOptions> urls,
    BackgroundWork background,
    ILogger<PortalAccess> logger)
{
    public string LinkUrl(Mode mode, string token) => $"{urls.Value.BaseFor(mode)}/link/{token}";

    /// <summary>
    /// The static link page's form. Known or not, the caller hears the same; a known customer gets a
    /// short-lived login link by e-mail in the page's language. Counted per e-mail, IP and business.
    /// </summary>
    public async Task<StaticLinkOutcome> RequestStaticLinkAsync(PortalBrand brand, Mode mode, string email, string clientIp, CultureInfo culture, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var scope = $"{brand.BusinessId}:{mode.ToDb()}";
        var decision = await rateLimiter.HitAsync(
        [
            new(settings.PerEmail.Rule("portal_login_email"), $"{scope}:{email}"),
            new(settings.PerIp.Rule("portal_login_ip"), clientIp),
            new(settings.PerBusiness.Rule("portal_login_business"), scope),
        ], cancellationToken);
        if (!decision.Allowed)
        {
            logger.LogWarning("Portal sign-in request for business {BusinessId} ({Mode}) refused by rate limit {Rule}", brand.BusinessId, mode.ToDb(), decision.ExceededRule);
            return new StaticLinkOutcome.RateLimited(decision.RetryAfter);
        }

        // Whether the address is known is found out after the answer, so both answer equally fast.
        background.Run("static sign-in link", () => SendStaticLinkAsync(brand, new Tenant(brand.BusinessId, mode), email, culture, CancellationToken.None));
        return new StaticLinkOutcome.Accepted();
    }

    private async Task SendStaticLinkAsync(PortalBrand brand, Tenant tenant, string email, CultureInfo culture, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var customer = await connection.QuerySingleOrDefaultAsync<(string Id, string Name, string Email)>(new CommandDefinition("""
            SELECT id, name, email FROM customers
            WHERE business_id = @businessId AND mode = @mode AND lower(email) = lower(@email)
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, email }, transaction, cancellationToken: cancellationToken));
        if (customer.Id is null)
        {
            return;
        }
        var lifetime = settings.StaticLinkLifetime;
        var (token, _) = await links.CreateAsync(connection, transaction, tenant, customer.Id, LinkPurpose.Login, "static", null, null, lifetime, cancellationToken);
        var message = emails.LoginLink(brand, customer.Email, customer.Name, LinkUrl(tenant.Mode, token), lifetime, culture);
        await outbox.EnqueueAsync(connection, transaction, EmailScope.For(tenant), message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        mailSignal.Wake();
    }

    /// <summary>The merchant's dynamic link: valid 24 hours, once; optionally e-mailed to the customer too.</summary>
    public async Task<DynamicLinkOutcome> CreateDynamicLinkAsync(Tenant tenant, string customerId, bool sendEmail, string? returnUrl, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var customer = await connection.QuerySingleOrDefaultAsync<CustomerRow>(new CommandDefinition("""
            SELECT c.id, c.name, c.email, c.portal_culture, b.name AS business_name, b.logo_url, b.accent_color, b.support_email
            FROM customers c JOIN businesses b ON b.id = c.business_id
            WHERE c.id = @customerId AND c.business_id = @businessId AND c.mode = @mode
            """, new { customerId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        if (customer is null)
        {
            return new DynamicLinkOutcome.CustomerNotFound();
        }
        var lifetime = options.Value.DynamicLinkLifetime;
        var (token, expiresAt) = await links.CreateAsync(connection, transaction, tenant, customer.Id, LinkPurpose.Login, "dynamic", null, returnUrl, lifetime, cancellationToken);
        var link = LinkUrl(tenant.Mode, token);
        if (sendEmail)
        {
            var brand = new PortalBrand(tenant.BusinessId, customer.BusinessName, customer.LogoUrl, customer.AccentColor, customer.SupportEmail);
            var culture = Localization.PortalCultures.Resolve(customer.PortalCulture);
            await outbox.EnqueueAsync(connection, transaction, EmailScope.For(tenant), emails.LoginLink(brand, customer.Email, customer.Name, link, lifetime, culture), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        if (sendEmail)
        {
            mailSignal.Wake();
        }
        logger.LogInformation("Dynamic portal link made for customer {CustomerId} of {BusinessId} ({Mode}), e-mailed: {SendEmail}", customer.Id, tenant.BusinessId, tenant.ModeText, sendEmail);
        return new DynamicLinkOutcome.Created(link, expiresAt);
    }

    /// <summary>Uses a login link and opens a session, replacing (revoking) the session the browser had in this mode.</summary>
    public async Task<RedeemOutcome> RedeemLoginAsync(string token, Mode mode, string? currentSessionToken, CultureInfo culture, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var consumed = await links.ConsumeAsync(connection, transaction, token, mode, LinkPurpose.Login, cancellationToken);
        if (consumed is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            var peek = await links.PeekAsync(connection, token, mode, cancellationToken);
            return new RedeemOutcome.Refused(peek is null || peek.Purpose != LinkPurpose.Login ? LinkState.Unknown : peek.State);
        }
        var tenant = new Tenant(consumed.BusinessId, mode);
        var sessionToken = await sessions.CreateAsync(connection, transaction, tenant, consumed.CustomerId, consumed.ReturnUrl, null, currentSessionToken, cancellationToken);
        await PortalCustomers.RememberCultureAsync(connection, transaction, tenant, consumed.CustomerId, culture, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Portal sign-in by link for customer {CustomerId} of {BusinessId} ({Mode})", consumed.CustomerId, consumed.BusinessId, tenant.ModeText);
        return new RedeemOutcome.SignedIn(sessionToken);
    }

    public async Task<LinkPeek?> PeekAsync(string token, Mode mode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await links.PeekAsync(connection, token, mode, cancellationToken);
    }

    private sealed class CustomerRow
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public string Email { get; init; } = "";
        public string? PortalCulture { get; init; }
        public string BusinessName { get; init; } = "";
        public string? LogoUrl { get; init; }
        public string? AccentColor { get; init; }
        public string? SupportEmail { get; init; }
    }
}
