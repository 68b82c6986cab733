using Clientele.Features.Subscriptions;

namespace Clientele.Features.Dashboard.CustomerDetail;

/// <summary>The one place a subscription operation's refusal becomes the dashboard's words (a DashboardText key) and status.</summary>
public static class SubscriptionFailureText
{
    public static string Key(SubscriptionFailure failure) => failure switch
    {
        SubscriptionFailure.Ended => "DetSubFail_Ended",
        SubscriptionFailure.NotActive => "DetSubFail_NotActive",
        SubscriptionFailure.NotPaused => "DetSubFail_NotPaused",
        SubscriptionFailure.ChargeInProgress => "DetSubFail_ChargeInProgress",
        SubscriptionFailure.NotAllowed { Action: SubscriptionAction.Pause } => "DetSubFail_PauseOff",
        SubscriptionFailure.NotAllowed => "DetSubFail_PlanChangesOff",
        SubscriptionFailure.OnDemandHasNoPlan => "DetSubFail_OnDemand",
        SubscriptionFailure.ScheduledChangeExists => "DetSubFail_Scheduled",
        SubscriptionFailure.PaymentMethodMissing => "DetSubFail_NoMethod",
        SubscriptionFailure.PaymentDeclined => "DetSubFail_Declined",
        SubscriptionFailure.NoScheduledChange => "DetSubFail_NoScheduled",
        _ => "DetSubFail_Invalid",
    };

    public static int Status(SubscriptionFailure failure) => failure switch
    {
        SubscriptionFailure.NotFound or SubscriptionFailure.NoScheduledChange => StatusCodes.Status404NotFound,
        SubscriptionFailure.NotAllowed => StatusCodes.Status403Forbidden,
        SubscriptionFailure.Invalid => StatusCodes.Status422UnprocessableEntity,
        SubscriptionFailure.PaymentDeclined => StatusCodes.Status402PaymentRequired,
        _ => StatusCodes.Status409Conflict,
    };
}
