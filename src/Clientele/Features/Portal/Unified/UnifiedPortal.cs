using System.Globalization;
using Clientele.Features.Portal.Access;
using Clientele.Features.Portal.Sessions;
using Clientele.Platform;
using Clientele.Platform.Email;
using Clientele.Platform.Hosting;
using Clientele.Platform.Security;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Portal.Unified;

/// <summary>A signed-in unified session: an e-mail proven by a link, in one mode (it lists only that mode's customers).</summary>
public sealed record UnifiedSession(string Id, string Email, Mode Mode)
{
    public string ModeText => Mode.ToDb();
}

/// <summary>A business where the unified session's e-mail is a customer (in the session's mode).</summary>
public sealed record UnifiedBusiness(PortalBrand Brand, string CustomerId);

public abstract record UnifiedRedeemOutcome
{
    public sealed record SignedIn(string SessionToken) : UnifiedRedeemOutcome;

    public sealed record Refused(LinkState State) : UnifiedRedeemOutcome;
}

/// <summary>
/// The unified portal at <c>/</c> (and, for test data, at the test base URL): one e-mail round trip
/// proves the address, then the customer sees every business where that address is a customer in
/// that mode and enters any of them. Its links and sessions follow the same rules as a business's
/// (hashed, single use, expiring, revocable) and are bound to their mode.
/// </summary>
public sealed class UnifiedPortal(
    NpgsqlDataSource dataSource,
    PortalSessionStore sessions,
    PortalEmails emails,
    EmailOutbox outbox,
    EmailDispatchSignal mailSignal,
    RateLimiter rateLimiter,
    IOptions<PortalOptions> options,
    IOptions<PublicUrlOptions> urls,
    TimeProvider clock,
    BackgroundWork background,
    ILogger<UnifiedPortal> logger)
{
    public async Task<StaticLinkOutcome> RequestLinkAsync(string email, Mode mode, string clientIp, CultureInfo culture, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var decision = await rateLimiter.HitAsync(
        [
            new(settings.PerEmail.Rule("unified_login_email"), email),
            new(settings.PerIp.Rule("unified_login_ip"), clientIp),
        ], cancellationToken);
        if (!decision.Allowed)
        {
            logger.LogWarning("Unified portal sign-in request refused by rate limit {Rule}", decision.ExceededRule);
            return new StaticLinkOutcome.RateLimited(decision.RetryAfter);
        }
        // Whether the address is known is found out after the answer, so both answer equally fast.
        background.Run("unified sign-in link", () => SendLinkAsync(email, mode, culture, CancellationToken.None));
        return new StaticLinkOutcome.Accepted();
    }

    private async Task SendLinkAsync(string email, Mode mode, CultureInfo culture, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var known = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM customers WHERE lower(email) = lower(@email) AND mode = @mode)",
            new { email, mode = mode.ToDb() }, transaction, cancellationToken: cancellationToken));
        if (!known)
        {
            return;
        }
        var token = PortalTokens.New();
        var now = clock.GetUtcNow().UtcDateTime;
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO unified_links (token_hash, email, mode, created_at, expires_at) VALUES (@hash, @email, @mode, @now, @expiresAt)",
            new { hash = PortalTokens.Hash(token), email, mode = mode.ToDb(), now, expiresAt = now + settings.UnifiedLinkLifetime }, transaction, cancellationToken: cancellationToken));
        var link = $"{urls.Value.BaseFor(mode)}/unified/link/{token}";
        await outbox.EnqueueAsync(connection, transaction, new EmailScope(null, mode), emails.UnifiedLink(email, link, settings.UnifiedLinkLifetime, culture), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        mailSignal.Wake();
    }

    public async Task<LinkState> PeekAsync(string token, Mode mode, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return LinkState.Unknown;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await PeekAsync(connection, token, mode, cancellationToken);
    }

    public async Task<UnifiedRedeemOutcome> RedeemAsync(string token, Mode mode, string? currentToken, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return new UnifiedRedeemOutcome.Refused(LinkState.Unknown);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var email = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "UPDATE unified_links SET used_at = @now WHERE token_hash = @hash AND mode = @mode AND used_at IS NULL AND expires_at > @now RETURNING email",
            new { now, hash = PortalTokens.Hash(token), mode = mode.ToDb() }, transaction, cancellationToken: cancellationToken));
        if (email is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new UnifiedRedeemOutcome.Refused(await PeekAsync(connection, token, mode, cancellationToken));
        }
        if (PortalTokens.LooksValid(currentToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE unified_sessions SET revoked_at = @now WHERE token_hash = @hash AND mode = @mode AND revoked_at IS NULL",
                new { now, hash = PortalTokens.Hash(currentToken!), mode = mode.ToDb() }, transaction, cancellationToken: cancellationToken));
        }
        var sessionToken = PortalTokens.New();
        var id = Ids.New(Ids.UnifiedSession);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO unified_sessions (token_hash, id, email, mode, created_at, last_seen_at, expires_at)
            VALUES (@hash, @id, @email, @mode, @now, @now, @expiresAt)
            """, new { hash = PortalTokens.Hash(sessionToken), id, email, mode = mode.ToDb(), now, expiresAt = now + options.Value.SessionAbsoluteTimeout }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Unified portal sign-in {UnifiedSessionId}", id);
        return new UnifiedRedeemOutcome.SignedIn(sessionToken);
    }

    public async Task<UnifiedSession?> ResolveSessionAsync(string? token, Mode mode, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(string Id, string Email)?>(new CommandDefinition("""
            UPDATE unified_sessions SET last_seen_at = @now
            WHERE token_hash = @hash AND mode = @mode AND revoked_at IS NULL AND expires_at > @now AND last_seen_at > @idleCutoff
            RETURNING id, email
            """, new { now, hash = PortalTokens.Hash(token!), mode = mode.ToDb(), idleCutoff = now - options.Value.SessionIdleTimeout }, cancellationToken: cancellationToken));
        return row is { } found ? new UnifiedSession(found.Id, found.Email, mode) : null;
    }

    public async Task<IReadOnlyList<UnifiedBusiness>> ListBusinessesAsync(UnifiedSession session, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string BusinessId, string Name, string? LogoUrl, string? AccentColor, string? SupportEmail, string? PrivacyUrl, string? TermsUrl, string CustomerId)>(new CommandDefinition("""
            SELECT b.id, b.name, b.logo_url, b.accent_color, b.support_email, b.privacy_url, b.terms_url, c.id
            FROM customers c JOIN businesses b ON b.id = c.business_id
            WHERE lower(c.email) = lower(@email) AND c.mode = @mode
            ORDER BY lower(b.name), b.id
            """, new { email = session.Email, mode = session.ModeText }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new UnifiedBusiness(new PortalBrand(r.BusinessId, r.Name, r.LogoUrl, r.AccentColor, r.SupportEmail, r.PrivacyUrl, r.TermsUrl), r.CustomerId))];
    }

    /// <summary>Opens a session in one business, in the unified session's mode, for its e-mail; null if it is no customer there.</summary>
    public async Task<string?> EnterAsync(UnifiedSession session, string businessId, string? currentBusinessSessionToken, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var customerId = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT id FROM customers WHERE business_id = @businessId AND mode = @mode AND lower(email) = lower(@email)",
            new { businessId, email = session.Email, mode = session.ModeText }, transaction, cancellationToken: cancellationToken));
        if (customerId is null)
        {
            return null;
        }
        var token = await sessions.CreateAsync(connection, transaction, new Tenant(businessId, session.Mode), customerId, null, session.Id, currentBusinessSessionToken, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Unified session {UnifiedSessionId} entered business {BusinessId} as customer {CustomerId}", session.Id, businessId, customerId);
        return token;
    }

    public async Task RevokeSessionAsync(string? token, CancellationToken cancellationToken)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE unified_sessions SET revoked_at = @now WHERE token_hash = @hash AND revoked_at IS NULL",
            new { now = clock.GetUtcNow().UtcDateTime, hash = PortalTokens.Hash(token!) }, cancellationToken: cancellationToken));
    }

    private async Task<LinkState> PeekAsync(NpgsqlConnection connection, string token, Mode mode, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<LinkRow>(new CommandDefinition(
            "SELECT used_at, expires_at FROM unified_links WHERE token_hash = @hash AND mode = @mode",
            new { hash = PortalTokens.Hash(token), mode = mode.ToDb() }, cancellationToken: cancellationToken));
        return row switch
        {
            null => LinkState.Unknown,
            { UsedAt: not null } => LinkState.Used,
            { ExpiresAt: var expires } when expires <= clock.GetUtcNow().UtcDateTime => LinkState.Expired,
            _ => LinkState.Valid,
        };
    }

    private sealed class LinkRow
    {
        public DateTime? UsedAt { get; init; }
        public DateTime ExpiresAt { get; init; }
    }
}
