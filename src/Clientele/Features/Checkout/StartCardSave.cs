using System.Text.Json;
using Clientele.Platform;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Checkout;

/// <summary>The hosted page that saves a card, and how long it stays usable.</summary>
public sealed record CardSaveLink(string SessionId, string Url, DateTime ExpiresAt);

/// <summary>
/// Opens the hosted payment page to save a card for an existing customer, charging nothing (the
/// portal's "Add a card", no subscription needed). Paying it goes through the checkout like any
/// session: the card is tokenized and saved (one row per card fingerprint), and a payment of nothing
/// marked <c>is_update_payment_method</c> records it. A double submit opens one page: the customer's
/// row is locked, and an open card-saving page with the same return URL that has an hour left is
/// handed out again.
/// </summary>
public sealed class StartCardSave(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<PublicUrlOptions> urls)
{
    public static readonly TimeSpan ReuseWhileLeft = TimeSpan.FromHours(1);

    /// <returns>The page, or null when the customer is not one of this tenant's.</returns>
    public async Task<CardSaveLink?> RunAsync(Tenant tenant, string customerId, string returnUrl, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The latest payment's billing address and currency fill the page in (else it asks for the country).
        var customer = await connection.QuerySingleOrDefaultAsync<(string Id, string? Billing, string? Currency)>(new CommandDefinition("""
            SELECT c.id, p.billing::text, p.currency
            FROM customers c
            LEFT JOIN LATERAL (
                SELECT billing, currency FROM payments
                WHERE customer_id = c.id AND business_id = c.business_id AND mode = c.mode
                ORDER BY created_at DESC, id DESC LIMIT 1) p ON true
            WHERE c.id = @customerId AND c.business_id = @businessId AND c.mode = @mode
            FOR UPDATE OF c
            """, new { customerId, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        if (customer.Id is null)
        {
            return null;
        }
        var session = await CheckoutStore.FindOpenCardSaveAsync(connection, transaction, tenant, customerId, returnUrl, now, ReuseWhileLeft, cancellationToken);
        if (session is null)
        {
            var billing = customer.Billing is null ? null : JsonSerializer.Deserialize<BillingAddress>(customer.Billing, CheckoutJson.Options);
            var request = new CheckoutRequest([], customerId, null, null, billing is { Country.Length: 2 } ? billing : null, returnUrl, Metadata.EmptyJson);
            session = await CheckoutStore.InsertCardSaveAsync(connection, transaction, tenant, request, customer.Currency ?? "USD", now, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new CardSaveLink(session.Id, CheckoutsApi.CheckoutUrl(urls.Value, tenant.Mode, session.Id), session.ExpiresAt);
    }
}
