using Clientele.Platform.Api;

namespace Clientele.Features.Subscriptions;

/// <summary>What a subscription operation may be refused for. Closed: the API maps each once
/// (<see cref="SubscriptionHttp"/>), the pages map each to their language.</summary>
public abstract record SubscriptionFailure
{
    public sealed record NotFound : SubscriptionFailure;

    /// <summary>No plan change is scheduled to delete.</summary>
    public sealed record NoScheduledChange : SubscriptionFailure;

    /// <summary>A field of the request names something that cannot be used.</summary>
    public sealed record Invalid(ValidationError Error) : SubscriptionFailure;

    /// <summary>The subscription has ended (cancelled, expired, failed); <paramref name="DetailsOnly"/>: its metadata and billing details may still change.</summary>
    public sealed record Ended(string Status, bool DetailsOnly) : SubscriptionFailure;

    /// <summary>The action needs an active subscription.</summary>
    public sealed record NotActive(string Status, SubscriptionAction Action) : SubscriptionFailure;

    public sealed record NotPaused(string Status) : SubscriptionFailure;

    public sealed record ChargeInProgress : SubscriptionFailure;

    /// <summary>The business's settings forbid it (<c>allow_customer_pause</c>, <c>allow_plan_changes</c>).</summary>
    public sealed record NotAllowed(SubscriptionAction Action) : SubscriptionFailure;

    public sealed record OnDemandHasNoPlan : SubscriptionFailure;

    public sealed record ScheduledChangeExists : SubscriptionFailure;

    public sealed record PaymentMethodMissing : SubscriptionFailure;

    /// <summary>The charge a plan change needed was declined and the plan was left as it was.</summary>
    public sealed record PaymentDeclined(string PaymentId) : SubscriptionFailure;
}

public enum SubscriptionAction
{
    Cancel,
    Pause,
    ScheduleCancellation,
    ChangePlan,
    Charge,
}

/// <summary>Who asks: the merchant (API key, dashboard) or the subscription's own customer (portal), whose actions the business's settings limit.</summary>
public abstract record SubscriptionActor
{
    public static SubscriptionActor Merchant { get; } = new MerchantActor();

    public sealed record MerchantActor : SubscriptionActor;

    /// <summary>Only this customer's subscriptions exist for them; another's is <see cref="SubscriptionFailure.NotFound"/>.</summary>
    public sealed record Customer(string CustomerId) : SubscriptionActor;

    public bool MayAct(Subscription subscription) => this is not Customer customer || customer.CustomerId == subscription.CustomerId;
}
