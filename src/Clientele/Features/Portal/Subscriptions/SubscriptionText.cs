using System.Globalization;
using Clientele.Features.Portal.Localization;
using Clientele.Features.Subscriptions;
using Clientele.Primitives;
using Microsoft.Extensions.Localization;

namespace Clientele.Features.Portal.Subscriptions;

/// <summary>How the portal says subscription things in the customer's language: prices per interval, statuses, and each refusal.</summary>
public static class SubscriptionText
{
    public static string Money(long minorUnits, string currencyCode, CultureInfo culture) =>
        Currency.TryFind(currencyCode, out var currency) ? currency.Format(minorUnits, culture) : $"{minorUnits.ToString("N0", culture)} {currencyCode}";

    /// <summary>"US$10.00 per month", "US$90.00 every 3 months", with "× 2" when more than one.</summary>
    public static string Price(IStringLocalizer<PortalText> text, Subscription s, CultureInfo culture)
    {
        var amount = Money(s.RecurringPreTaxAmount, s.Currency, culture);
        var price = s.PaymentFrequencyCount == 1
            ? text["SubPricePer_" + s.PaymentFrequencyInterval, amount].Value
            : text["SubPriceEvery_" + s.PaymentFrequencyInterval, amount, s.PaymentFrequencyCount].Value;
        return s.Quantity > 1 ? text["SubQuantity", price, s.Quantity].Value : price;
    }

    public static string Date(DateTime utc, CultureInfo culture) => utc.ToString("D", culture);

    /// <summary>The one-line explanation beside a status badge.</summary>
    public static string Explain(IStringLocalizer<PortalText> text, Subscription s, CultureInfo culture) => s.Status switch
    {
        SubscriptionStatus.Active when s.CancelAtNextBillingDate => text["SubExplainEnding", Date(s.NextBillingDate, culture)],
        SubscriptionStatus.Active => text["SubExplainActive", Date(s.NextBillingDate, culture)],
        SubscriptionStatus.OnHold => text["SubExplainOnHold"],
        SubscriptionStatus.Paused => text["SubExplainPaused"],
        SubscriptionStatus.Pending => text["SubExplainPending"],
        SubscriptionStatus.Cancelled => text["SubExplainCancelled", Date(s.CancelledAt ?? s.UpdatedAt, culture)],
        SubscriptionStatus.Expired => text["SubExplainExpired", Date(s.ExpiresAt ?? s.UpdatedAt, culture)],
        _ => text["SubExplainFailed"],
    };

    /// <summary>The resource key that tells the customer why their request was refused.</summary>
    public static string FailureKey(SubscriptionFailure failure) => failure switch
    {
        SubscriptionFailure.NotFound => "SubFailNotFound",
        SubscriptionFailure.NotAllowed { Action: SubscriptionAction.Cancel } => "SubFailCancelNotAllowed",
        SubscriptionFailure.NotAllowed { Action: SubscriptionAction.Pause } => "SubFailPauseNotAllowed",
        SubscriptionFailure.NotAllowed => "SubFailPlanChangesNotAllowed",
        SubscriptionFailure.NotActive { Status: SubscriptionStatus.Paused, Action: SubscriptionAction.Pause } => "SubFailAlreadyPaused",
        SubscriptionFailure.NotActive => "SubFailNotActive",
        SubscriptionFailure.NotPaused => "SubFailNotPaused",
        SubscriptionFailure.Ended => "SubFailEnded",
        SubscriptionFailure.ChargeInProgress => "SubFailChargeInProgress",
        SubscriptionFailure.NoScheduledChange => "SubFailNoScheduledChange",
        SubscriptionFailure.Invalid { Error.Field: "cancellation_comment" } => "SubFailCommentTooLong",
        _ => "SubFailGeneric",
    };
}
