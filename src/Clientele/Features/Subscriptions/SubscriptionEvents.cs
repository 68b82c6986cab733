using Clientele.Features.Webhooks;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Subscriptions;

/// <summary>The reference's subscription.* event types.</summary>
public static class SubscriptionEventTypes
{
    public const string Active = "subscription.active";
    public const string Renewed = "subscription.renewed";
    public const string OnHold = "subscription.on_hold";
    public const string Paused = "subscription.paused";
    public const string Unpaused = "subscription.unpaused";
    public const string Cancelled = "subscription.cancelled";
    public const string Failed = "subscription.failed";
    public const string Expired = "subscription.expired";
    public const string PlanChanged = "subscription.plan_changed";
    public const string Updated = "subscription.updated";
    public const string UpdatePaymentMethod = "subscription.update_payment_method";
}

/// <summary>Writes subscription.* webhook events in the transaction that changes the subscription, with the subscription as it then is.</summary>
public sealed class SubscriptionEvents(WebhookOutbox outbox)
{
    public async Task EmitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string subscriptionId, string type, CancellationToken cancellationToken)
    {
        var subscription = await SubscriptionStore.FindAsync(connection, transaction, tenant, subscriptionId, cancellationToken)
            ?? throw new InvalidOperationException($"Subscription {subscriptionId} vanished inside its own transaction.");
        await outbox.EnqueueAsync(connection, transaction, tenant, type, "Subscription", SubscriptionResponse.From(subscription), cancellationToken);
    }

    /// <summary>One event of <paramref name="type"/> per subscription, in their order: two statements for the lot.</summary>
    public async Task EmitManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, IReadOnlyList<string> subscriptionIds, string type, CancellationToken cancellationToken)
    {
        var found = (await SubscriptionStore.FindManyAsync(connection, transaction, tenant, subscriptionIds, cancellationToken)).ToDictionary(s => s.Id);
        if (found.Count != subscriptionIds.Distinct().Count())
        {
            throw new InvalidOperationException("A subscription vanished inside its own transaction.");
        }
        await outbox.EnqueueManyAsync(connection, transaction, tenant, type, "Subscription",
            [.. subscriptionIds.Select(id => (object)SubscriptionResponse.From(found[id]))], cancellationToken);
    }
}
