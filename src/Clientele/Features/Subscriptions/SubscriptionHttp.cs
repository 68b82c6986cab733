using Clientele.Platform.Api;

namespace Clientele.Features.Subscriptions;

/// <summary>The one place where a subscription operation's failure becomes an HTTP status and <c>{code, message}</c>.</summary>
public static class SubscriptionHttp
{
    public static ApiErrorResult ToHttp(this SubscriptionFailure failure) => failure switch
    {
        SubscriptionFailure.NotFound => ApiResults.NotFound("Subscription"),
        SubscriptionFailure.NoScheduledChange => ApiResults.NotFound("Scheduled plan change"),
        SubscriptionFailure.Invalid invalid => ApiResults.Invalid(invalid.Error),
        SubscriptionFailure.Ended { DetailsOnly: true } ended =>
            ApiResults.Unprocessable("SUBSCRIPTION_INACTIVE", $"The subscription is {ended.Status}; only its metadata and billing details can change"),
        SubscriptionFailure.Ended ended => ApiResults.Unprocessable("SUBSCRIPTION_INACTIVE", $"The subscription is {ended.Status}"),
        SubscriptionFailure.NotActive { Action: SubscriptionAction.Pause } notActive => ApiResults.Unprocessable(
            notActive.Status == SubscriptionStatus.Paused ? "SUBSCRIPTION_ALREADY_PAUSED" : "SUBSCRIPTION_NOT_ACTIVE",
            $"Only an active subscription can be paused; this one is {notActive.Status}"),
        SubscriptionFailure.NotActive notActive => ApiResults.Unprocessable("SUBSCRIPTION_NOT_ACTIVE", notActive.Action switch
        {
            SubscriptionAction.ScheduleCancellation => $"Only an active subscription can be set to cancel at its next billing date; this one is {notActive.Status} (cancel it now instead)",
            SubscriptionAction.ChangePlan => $"Only an active subscription can change plans; this one is {notActive.Status}",
            _ => $"Only an active subscription can be charged; this one is {notActive.Status}",
        }),
        SubscriptionFailure.NotPaused notPaused => ApiResults.Unprocessable("SUBSCRIPTION_NOT_PAUSED", $"Only a paused subscription can be resumed; this one is {notPaused.Status}"),
        SubscriptionFailure.ChargeInProgress => ApiResults.Conflict("CHARGE_IN_PROGRESS", "A payment for this subscription is being processed; try again in a moment"),
        SubscriptionFailure.NotAllowed { Action: SubscriptionAction.Pause } =>
            ApiResults.Forbidden("PAUSE_NOT_ALLOWED", "This business does not allow pausing subscriptions (settings: allow_customer_pause)"),
        SubscriptionFailure.NotAllowed { Action: SubscriptionAction.Cancel } =>
            ApiResults.Forbidden("CANCEL_NOT_ALLOWED", "This business does not allow customers to cancel subscriptions (settings: allow_customer_cancel)"),
        SubscriptionFailure.NotAllowed =>
            ApiResults.Forbidden("PLAN_CHANGES_DISABLED", "This business does not allow subscription plan changes (settings: allow_plan_changes)"),
        SubscriptionFailure.OnDemandHasNoPlan => ApiResults.Unprocessable("SUBSCRIPTION_ON_DEMAND", "An on-demand subscription has no plan to change"),
        SubscriptionFailure.ScheduledChangeExists =>
            ApiResults.Conflict("SCHEDULED_CHANGE_EXISTS", "A plan change is already scheduled; delete it first (DELETE /subscriptions/{id}/change-plan/scheduled)"),
        SubscriptionFailure.PaymentMethodMissing => ApiResults.Unprocessable("PAYMENT_METHOD_MISSING", "The subscription has no saved payment method to charge"),
        SubscriptionFailure.PaymentDeclined declined => ApiResults.Unprocessable("PAYMENT_FAILED",
            $"The payment {declined.PaymentId} for the plan change was declined; the plan was not changed (on_payment_failure: prevent_change)"),
        _ => throw new System.Diagnostics.UnreachableException($"Unmapped subscription failure {failure}"),
    };
}
