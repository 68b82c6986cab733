using Clientele.Features.Catalog;
using Clientele.Features.Payments;
using Clientele.Features.Portal.Sessions;
using Clientele.Features.Subscriptions;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Portal.Subscriptions;

/// <summary>A saved card as the portal names it (never more than the brand, last four and expiry).</summary>
public sealed record CardLabel(string Id, string Network, string Last4, int ExpiryMonth, int ExpiryYear);

/// <summary>One subscription of the signed-in customer, with the card it is charged to.</summary>
public sealed record PortalSubscription(Subscription Subscription, CardLabel? Card)
{
    /// <summary>Active, on hold, paused and pending come first; ended ones after.</summary>
    public bool IsCurrent => !Subscription.IsTerminal;
}

/// <summary>A subscription's page: the subscription, what the business lets the customer do, and its payments.</summary>
public sealed record PortalSubscriptionDetail(PortalSubscription Item, SubscriptionSettings Settings, long Dues, IReadOnlyList<PaymentRow> Payments);

/// <summary>
/// What the portal reads of subscriptions: only the session's customer's, in its business and mode,
/// in a bounded number of queries (subscriptions, then the customer's cards; no query per row).
/// </summary>
public sealed class PortalSubscriptions(NpgsqlDataSource dataSource, SubscriptionStore subscriptions, SubscriptionSettingsStore settings, PaymentQueries payments)
{
    public const int MaxListed = 100;

    public async Task<IReadOnlyList<PortalSubscription>> ListAsync(PortalSession session, CancellationToken cancellationToken)
    {
        var rows = await subscriptions.ListAsync(session.Tenant, new SubscriptionFilter(null, null, session.CustomerId, null, null, null), new Paging(0, MaxListed), cancellationToken);
        var cards = await CardsAsync(session, cancellationToken);
        return [.. rows.Select(s => new PortalSubscription(s, Card(cards, s.PaymentMethodId)))
            .OrderByDescending(s => s.IsCurrent)];
    }

    public async Task<PortalSubscriptionDetail?> FindAsync(PortalSession session, string subscriptionId, CancellationToken cancellationToken)
    {
        Subscription? subscription;
        long dues;
        IReadOnlyList<CardLabel> cards;
        // One connection at a time: this one goes back before the settings and payments borrow theirs.
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            subscription = await SubscriptionStore.FindAsync(connection, null, session.Tenant, subscriptionId, cancellationToken);
            if (subscription is null || subscription.CustomerId != session.CustomerId)
            {
                return null;
            }
            dues = subscription.Status == SubscriptionStatus.OnHold ? await SubscriptionStore.DuesAsync(connection, null, subscription, cancellationToken) : 0;
            cards = await CardsAsync(connection, session, cancellationToken);
        }
        var rules = await settings.GetAsync(session.Tenant, cancellationToken);
        var history = await payments.ListAsync(session.Tenant, new PaymentFilter(null, null, session.CustomerId, subscription.Id, null, null, null) { ExcludeCardChecks = true }, new Paging(0, 20), cancellationToken);
        return new PortalSubscriptionDetail(new PortalSubscription(subscription, Card(cards, subscription.PaymentMethodId)), rules, dues, history);
    }

    private async Task<IReadOnlyList<CardLabel>> CardsAsync(PortalSession session, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await CardsAsync(connection, session, cancellationToken);
    }

    private static async Task<IReadOnlyList<CardLabel>> CardsAsync(NpgsqlConnection connection, PortalSession session, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<CardLabel>(new CommandDefinition("""
            SELECT id, card_network AS network, last4, expiry_month, expiry_year FROM payment_methods
            WHERE customer_id = @customerId AND business_id = @businessId AND mode = @mode
            """, new { customerId = session.CustomerId, businessId = session.Tenant.BusinessId, mode = session.Tenant.ModeText }, cancellationToken: cancellationToken))).AsList();

    private static CardLabel? Card(IReadOnlyList<CardLabel> cards, string? id) => id is null ? null : cards.FirstOrDefault(c => c.Id == id);
}
