using System.Globalization;
using Clientele.Features.Catalog;
using Clientele.Features.Portal.Localization;
using Clientele.Features.Portal.Sessions;
using Clientele.Features.Subscriptions;
using Dapper;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace Clientele.Features.Portal.Subscriptions;

/// <summary>A group of plans of the subscription's product collection, in the merchant's order.</summary>
public sealed record PortalPlanGroup(string Id, string? Name, IReadOnlyList<SubscriptionPlan> Plans);

/// <summary>
/// The plans a subscription may move to, as the plan-change operation would accept them: the
/// recurring, unarchived products of active groups and items of its product's (unarchived)
/// collection, in its currency. One query. Offering is a courtesy: the operation checks again.
/// </summary>
public sealed class PortalPlans(NpgsqlDataSource dataSource)
{
    private sealed record GroupKey(string GroupId, string? GroupName);

    public Task<IReadOnlyList<PortalPlanGroup>> ListAsync(PortalSession session, Subscription subscription, CancellationToken cancellationToken) =>
        ListAsync(session.Tenant, subscription, cancellationToken);

    /// <summary>The same plans for the merchant's dashboard (the tenant is the person's business and mode).</summary>
    public async Task<IReadOnlyList<PortalPlanGroup>> ListAsync(Clientele.Primitives.Tenant tenant, Subscription subscription, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<GroupKey, Product, (GroupKey Group, Product Product)>(new CommandDefinition($"""
            SELECT g.id AS group_id, g.group_name, {Product.Columns}
            FROM product_collection_items cur
            JOIN product_collections c ON c.id = cur.collection_id AND c.business_id = cur.business_id AND c.mode = cur.mode AND NOT c.archived
            JOIN product_collection_groups g ON g.collection_id = c.id AND g.business_id = c.business_id AND g.mode = c.mode AND g.status
            JOIN product_collection_items i ON i.group_id = g.id AND i.business_id = g.business_id AND i.mode = g.mode AND i.status
            JOIN products p ON p.id = i.product_id AND p.business_id = i.business_id AND p.mode = i.mode AND NOT p.archived
            WHERE cur.product_id = @productId AND cur.business_id = @businessId AND cur.mode = @mode
              AND p.price_type <> 'one_time_price' AND p.payment_frequency_count IS NOT NULL AND p.currency = @currency
            ORDER BY g.position, g.id, i.position, i.id
            """, new { productId = subscription.ProductId, businessId = tenant.BusinessId, mode = tenant.ModeText, currency = subscription.Currency },
            cancellationToken: cancellationToken), (group, product) => (group, product), splitOn: "id");
        return [.. rows.GroupBy(r => r.Group).Select(g => new PortalPlanGroup(g.Key.GroupId, g.Key.GroupName, [.. g.Select(r => SubscriptionPlan.Of(r.Product, 1))]))];
    }

    /// <summary>"US$10.00 per month", "US$90.00 every 3 months": a plan's price per unit and interval.</summary>
    public static string Price(IStringLocalizer<PortalText> text, long amount, string currency, int count, string interval, CultureInfo culture)
    {
        var money = SubscriptionText.Money(amount, currency, culture);
        return count == 1 ? text["SubPricePer_" + interval, money] : text["SubPriceEvery_" + interval, money, count];
    }
}
