using System.Collections.Frozen;
using System.Globalization;
using Clientele.Features.Portal.Localization;
using Clientele.Features.Portal.Subscriptions;
using Microsoft.Extensions.Localization;

namespace Clientele.Features.Portal.Activity;

/// <summary>How an activity line reads to the customer, in their language.</summary>
public static class PortalActivityText
{
    // The audit trail's operation (method, route, handler) → what the customer reads.
    private static readonly FrozenDictionary<string, string> CustomerActions = new Dictionary<string, string>
    {
        ["POST /session/subscriptions/{id}/cancel"] = "ActYouCancel",
        ["POST /session/subscriptions/{id} (Keep)"] = "ActYouKeep",
        ["POST /session/subscriptions/{id} (Pause)"] = "ActYouPause",
        ["POST /session/subscriptions/{id} (Resume)"] = "ActYouResume",
        ["POST /session/subscriptions/{id} (DropChange)"] = "ActYouDropChange",
        ["POST /session/subscriptions/{id}/change-plan"] = "ActYouPlanChange",
        ["POST /session/subscriptions/{id}/payment-method"] = "ActYouPaymentMethod",
        ["POST /session/payment-methods/{id}/remove"] = "ActYouRemoveCard",
        ["POST /session/license-keys/{id}/activations/{instanceId}/deactivate"] = "ActYouDeactivate",
        ["POST /session/profile (Details)"] = "ActYouProfile",
        ["POST /session/profile (Email)"] = "ActYouEmail",
        ["POST /session/profile (Billing)"] = "ActYouBilling",
        ["POST /session/subscriptions/{id} (Resubscribe)"] = "ActYouResubscribe",
        ["POST /session/logout"] = "ActYouSignOut",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // The business's operations on a customer or their subscriptions (API and dashboard) that the
    // customer is shown; other merchant operations (e.g. creating a portal link) are not theirs to read.
    private static readonly FrozenDictionary<string, string> MerchantActionKeys = new Dictionary<string, string>
    {
        ["PATCH /subscriptions/{subscription_id}"] = "ActBizSubscription",
        ["POST /subscriptions/{subscription_id}/change-plan"] = "ActBizPlanChange",
        ["POST /subscriptions/{subscription_id}/charge"] = "ActBizCharge",
        ["POST /subscriptions/{subscription_id}/update-payment-method"] = "ActBizPaymentMethod",
        ["PATCH /customers/{customer_id}"] = "ActBizProfile",
        ["POST /dashboard/customers/{id}/edit"] = "ActBizProfile",
        ["POST /dashboard/customers/{id}/subscriptions (CancelAtPeriodEnd)"] = "ActBizCancel",
        ["POST /dashboard/customers/{id}/subscriptions (CancelNow)"] = "ActBizCancel",
        ["POST /dashboard/customers/{id}/subscriptions (RevokeCancel)"] = "ActBizKeep",
        ["POST /dashboard/customers/{id}/subscriptions (Pause)"] = "ActBizPause",
        ["POST /dashboard/customers/{id}/subscriptions (Resume)"] = "ActBizResume",
        ["POST /dashboard/customers/{id}/subscriptions (Charge)"] = "ActBizCharge",
        ["POST /dashboard/customers/{id}/subscriptions (SendLink)"] = "ActBizPaymentMethod",
        ["POST /dashboard/customers/{id}/subscriptions/{subscriptionId}/change-plan"] = "ActBizPlanChange",
        ["POST /dashboard/customers/{id}/credits (Adjust)"] = "ActBizCredits",
        ["POST /dashboard/customers/{id}/license-keys (Disable)"] = "ActBizLicenseKey",
        ["POST /dashboard/customers/{id}/license-keys (Enable)"] = "ActBizLicenseKey",
        ["POST /dashboard/customers/{id}/license-keys (Limit)"] = "ActBizLicenseKey",
        ["POST /dashboard/customers/{id}/license-keys (Deactivate)"] = "ActBizLicenseKey",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The merchant operations the activity query reads (the keys above).</summary>
    public static string[] MerchantActions { get; } = [.. MerchantActionKeys.Keys];

    /// <summary>What happened, as one sentence.</summary>
    public static string What(IStringLocalizer<PortalText> t, PortalActivityEntry entry, string businessName) => entry.Kind switch
    {
        "payment" => t[entry.Text switch
        {
            "renewal" => "ActPaymentRenewal",
            "dues" => "ActPaymentDues",
            "plan_change" => "ActPaymentPlanChange",
            "on_demand" => "ActPaymentCharge",
            "card_saved" => "ActCardSaved",
            _ => "ActPayment",
        }],
        "refund" => t["ActRefund"],
        "subscription_event" => t[entry.Text switch
        {
            "subscription.on_hold" => "ActOnHold",
            "subscription.failed" => "ActFailed",
            _ => "ActExpired",
        }],
        "wallet_entry" => t[entry.Status == "credit" ? "ActWalletCredit" : "ActWalletDebit"],
        "sign_in" => t["ActSignIn"],
        _ when entry.Who == ActivityWho.Customer => t[CustomerActions.GetValueOrDefault(entry.Text ?? "", "ActYouOther")],
        _ => t[MerchantActionKeys.GetValueOrDefault(entry.Text ?? "", "ActBizOther"), businessName],
    };

    /// <summary>The line's particulars: amount and status, the subscription's product, a wallet entry's reason.</summary>
    public static string? Detail(IStringLocalizer<PortalText> t, PortalActivityEntry entry, CultureInfo culture)
    {
        var parts = new List<string>();
        if (entry.Detail is { Length: > 0 } product)
        {
            parts.Add(product);
        }
        if (entry.Amount is { } amount && entry.Currency is { } currency)
        {
            parts.Add(SubscriptionText.Money(amount, currency, culture));
        }
        switch (entry.Kind)
        {
            case "payment" when entry.Status is { } status && entry.Text != "card_saved":
                parts.Add(t["PayStatus_" + status]);
                break;
            case "refund" when entry.Status is { } status:
                parts.Add(t["BillRefundStatus_" + status]);
                break;
            case "wallet_entry" when entry.Text is { Length: > 0 } reason:
                parts.Add(SystemReasons.Localize(t, reason));
                break;
        }
        return parts.Count == 0 ? null : string.Join(" · ", parts);
    }

    /// <summary>Who did it; null where the record does not say, or where <see cref="What"/> already names the business.</summary>
    public static string? Who(IStringLocalizer<PortalText> t, PortalActivityEntry entry, string businessName) => entry.Who switch
    {
        ActivityWho.Merchant when entry.Kind == "action" => null,
        ActivityWho.Customer => t["ActWhoYou"],
        ActivityWho.Merchant => businessName,
        ActivityWho.System => t["ActWhoSystem"],
        _ => null,
    };
}
