using System.Collections.Frozen;

namespace Clientele.Features.Webhooks;

/// <summary>The reference's event type strings (its <c>EventType</c> enum) that endpoints may filter on.</summary>
public static class WebhookEventTypes
{
    public const string PaymentSucceeded = "payment.succeeded";
    public const string PaymentFailed = "payment.failed";
    public const string RefundSucceeded = "refund.succeeded";
    public const string RefundFailed = "refund.failed";
    public const string LicenseKeyCreated = "license_key.created";

    public static FrozenSet<string> All { get; } = FrozenSet.Create(StringComparer.Ordinal,
    [
        "payment.succeeded", "payment.failed", "payment.processing", "payment.cancelled",
        "refund.succeeded", "refund.failed",
        "dispute.opened", "dispute.expired", "dispute.accepted", "dispute.cancelled", "dispute.challenged", "dispute.won", "dispute.lost",
        "subscription.active", "subscription.renewed", "subscription.on_hold", "subscription.paused", "subscription.unpaused",
        "subscription.cancelled", "subscription.failed", "subscription.expired", "subscription.plan_changed", "subscription.updated",
        "subscription.update_payment_method", "subscription.past_due",
        "license_key.created",
        "payout.created", "payout.on_hold", "payout.in_progress", "payout.failed", "payout.success",
        "credit.added", "credit.deducted", "credit.expired", "credit.rolled_over", "credit.rollover_forfeited",
        "credit.overage_charged", "credit.overage_reset", "credit.manual_adjustment", "credit.balance_low",
        "abandoned_checkout.detected", "abandoned_checkout.recovered",
        "dunning.started", "dunning.recovered",
        "entitlement_grant.created", "entitlement_grant.delivered", "entitlement_grant.failed", "entitlement_grant.revoked",
    ]);
}
