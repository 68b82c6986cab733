using System.Globalization;
using System.Text.Json;
using Clientele.Features.Customers;
using Clientele.Features.Portal.Access;
using Clientele.Features.Portal.Sessions;
using Clientele.Platform.Api;
using Clientele.Platform.Email;
using Clientele.Platform.Security;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Portal.Profile;

public abstract record DetailsOutcome
{
    public sealed record Updated : DetailsOutcome;

    /// <summary>Fields (as the API names them: name, phone_number) that were refused.</summary>
    public sealed record Invalid(IReadOnlyList<string> Fields) : DetailsOutcome;
}

public abstract record EmailChangeRequestOutcome
{
    /// <summary>Taken: if the address may be used, a confirmation link is on its way to it.</summary>
    public sealed record Requested(string Email) : EmailChangeRequestOutcome;

    public sealed record Invalid : EmailChangeRequestOutcome;

    public sealed record Unchanged : EmailChangeRequestOutcome;

    public sealed record RateLimited(TimeSpan RetryAfter) : EmailChangeRequestOutcome;
}

public abstract record EmailChangeOutcome
{
    public sealed record Confirmed(string Email) : EmailChangeOutcome;

    public sealed record Taken : EmailChangeOutcome;

    public sealed record Refused(LinkState State) : EmailChangeOutcome;
}

/// <summary>
/// The profile: name and phone change at once (validated by the same rules as the Customers API);
/// a new e-mail address takes effect only when a link sent to that address is confirmed.
/// </summary>
public sealed class ProfileOperations(
    NpgsqlDataSource dataSource,
    UpdateCustomer updateCustomer,
    PortalLinkStore links,
    PortalEmails emails,
    PortalAccess access,
    EmailOutbox outbox,
    EmailDispatchSignal mailSignal,
    RateLimiter rateLimiter,
    IOptions<PortalOptions> options,
    TimeProvider clock,
    ILogger<ProfileOperations> logger)
{
    public async Task<DetailsOutcome> UpdateDetailsAsync(PortalSession session, string? name, string? phone, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToElement(new Dictionary<string, string?> { ["name"] = name ?? "", ["phone_number"] = phone ?? "" });
        var body = JsonBody.Of(json);
        var changes = CustomerInput.ParsePatch(body);
        if (changes is null)
        {
            return new DetailsOutcome.Invalid([.. body.Errors.Select(e => e.Field).Distinct()]);
        }
        var outcome = await updateCustomer.RunAsync(session.Tenant, session.CustomerId, changes, cancellationToken);
        if (outcome is not UpdateOutcome.Updated)
        {
            throw new InvalidOperationException($"The signed-in customer {session.CustomerId} could not be updated: {outcome}.");
        }
        logger.LogInformation("Customer {CustomerId} of {BusinessId} ({Mode}) updated their profile in the portal", session.CustomerId, session.Brand.BusinessId, session.Tenant.ModeText);
        return new DetailsOutcome.Updated();
    }

    public async Task<EmailChangeRequestOutcome> RequestEmailChangeAsync(PortalSession session, string? newEmail, CultureInfo culture, CancellationToken cancellationToken)
    {
        var email = EmailAddress.Normalize(newEmail);
        if (email is null)
        {
            return new EmailChangeRequestOutcome.Invalid();
        }
        if (string.Equals(email, session.CustomerEmail, StringComparison.OrdinalIgnoreCase))
        {
            return new EmailChangeRequestOutcome.Unchanged();
        }
        var decision = await rateLimiter.HitAsync([new(options.Value.PerEmail.Rule("portal_email_change"), session.CustomerId)], cancellationToken);
        if (!decision.Allowed)
        {
            return new EmailChangeRequestOutcome.RateLimited(decision.RetryAfter);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Another customer of this business already using the address is not revealed: nothing is sent.
        var taken = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM customers WHERE business_id = @businessId AND mode = @mode AND lower(email) = lower(@email))",
            new { businessId = session.Brand.BusinessId, mode = session.Tenant.ModeText, email }, transaction, cancellationToken: cancellationToken));
        if (!taken)
        {
            var lifetime = options.Value.EmailChangeLinkLifetime;
            var (token, _) = await links.CreateAsync(connection, transaction, session.Tenant, session.CustomerId, LinkPurpose.EmailChange, "email_change", email, null, lifetime, cancellationToken);
            var message = emails.EmailChange(session.Brand, email, session.CustomerName, access.LinkUrl(session.Mode, token), lifetime, culture);
            await outbox.EnqueueAsync(connection, transaction, EmailScope.For(session.Tenant), message, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        mailSignal.Wake();
        return new EmailChangeRequestOutcome.Requested(email);
    }

    public async Task<EmailChangeOutcome> ConfirmEmailChangeAsync(string token, Mode mode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var consumed = await links.ConsumeAsync(connection, transaction, token, mode, LinkPurpose.EmailChange, cancellationToken);
        if (consumed is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            var peek = await links.PeekAsync(connection, token, mode, cancellationToken);
            return new EmailChangeOutcome.Refused(peek?.State ?? LinkState.Unknown);
        }
        try
        {
            var updated = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE customers SET email = @email, updated_at = @now WHERE id = @customerId AND business_id = @businessId AND mode = @mode",
                new { email = consumed.NewEmail, now = clock.GetUtcNow().UtcDateTime, consumed.CustomerId, consumed.BusinessId, mode = mode.ToDb() }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Customer {CustomerId} of {BusinessId} ({Mode}) confirmed a new e-mail address", consumed.CustomerId, consumed.BusinessId, mode.ToDb());
            return updated == 1 ? new EmailChangeOutcome.Confirmed(consumed.NewEmail!) : new EmailChangeOutcome.Refused(LinkState.Unknown);
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "customers_email_unique" })
        {
            // Someone took the address since the link was sent; the link stays unused but can never succeed.
            return new EmailChangeOutcome.Taken();
        }
    }
}
