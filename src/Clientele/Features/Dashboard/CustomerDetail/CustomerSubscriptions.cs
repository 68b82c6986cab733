using Clientele.Features.Catalog;
using Clientele.Features.Subscriptions;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Dashboard.CustomerDetail;

/// <summary>A subscription on the tab, with the card it is charged to (brand and last four only).</summary>
public sealed record CustomerSubscription(Subscription Subscription, string? CardNetwork, string? CardLast4);

public sealed record CustomerSubscriptionList(IReadOnlyList<CustomerSubscription> Items, SubscriptionSettings Settings);

/// <summary>
/// The Subscriptions tab's reads: one customer's subscriptions in the person's business and mode (newest
/// first, at most <see cref="MaxListed"/>), their cards in one more query, and the business's subscription
/// settings (which actions the operations allow).
/// </summary>
public sealed class CustomerSubscriptions(NpgsqlDataSource dataSource, SubscriptionStore subscriptions, SubscriptionSettingsStore settings)
{
    public const int MaxListed = 100;

    public async Task<CustomerSubscriptionList> ListAsync(Tenant tenant, string customerId, CancellationToken cancellationToken)
    {
        var rows = await subscriptions.ListAsync(tenant, new SubscriptionFilter(null, null, customerId, null, null, null), new Paging(0, MaxListed), cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var cards = (await connection.QueryAsync<(string Id, string Network, string Last4)>(new CommandDefinition("""
            SELECT id, card_network, last4 FROM payment_methods WHERE customer_id = @customerId AND business_id = @businessId AND mode = @mode
            """, new { customerId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken))).ToDictionary(c => c.Id);
        var items = rows.Select(s => s.PaymentMethodId is { } m && cards.TryGetValue(m, out var card)
            ? new CustomerSubscription(s, card.Network, card.Last4)
            : new CustomerSubscription(s, null, null)).ToList();
        return new CustomerSubscriptionList(items, await settings.GetAsync(tenant, cancellationToken));
    }

    /// <summary>One subscription of this customer (null for anyone else's, another business's or mode's).</summary>
    public async Task<Subscription?> FindAsync(Tenant tenant, string customerId, string subscriptionId, CancellationToken cancellationToken) =>
        subscriptionId.Length is > 0 and <= 64 && await subscriptions.FindAsync(tenant, subscriptionId, cancellationToken) is { } s && s.CustomerId == customerId ? s : null;
}
