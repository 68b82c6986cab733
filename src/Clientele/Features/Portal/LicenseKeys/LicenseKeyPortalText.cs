using System.Globalization;
using Clientele.Features.LicenseKeys;
using Clientele.Features.Portal.Localization;
using Clientele.Features.Portal.Subscriptions;
using Clientele.Features.Subscriptions;
using Microsoft.Extensions.Localization;

namespace Clientele.Features.Portal.LicenseKeys;

/// <summary>How the portal says license-key things in the customer's language: why a key does not work, its expiry, its seats.</summary>
public static class LicenseKeyPortalText
{
    /// <summary>The one line under a status badge: for a key that does not work, why (the merchant's reason first, as it is the one the system never lifts).</summary>
    public static string Explain(IStringLocalizer<PortalText> text, PortalLicenseKey key, string businessName, DateTime now, CultureInfo culture) =>
        key.StatusAt(now) switch
        {
            LicenseKeyStatus.Disabled when key.DisabledByMerchant => text["LkWhyMerchant", businessName],
            LicenseKeyStatus.Disabled when key.PaymentRefunded => text["LkWhyRefunded"],
            LicenseKeyStatus.Disabled => key.SubscriptionStatus switch
            {
                SubscriptionStatus.OnHold => text["LkWhyOnHold"],
                SubscriptionStatus.Paused => text["LkWhyPaused"],
                _ => text["LkWhyEnded"],
            },
            LicenseKeyStatus.Expired => text["LkWhyExpired", SubscriptionText.Date(key.ExpiresAt!.Value, culture)],
            _ => text["LkWorks"],
        };

    public static string Expiry(IStringLocalizer<PortalText> text, PortalLicenseKey key, CultureInfo culture) =>
        key.ExpiresAt is { } at ? SubscriptionText.Date(at, culture) : text["LkNeverExpires"];

    public static string Seats(IStringLocalizer<PortalText> text, PortalLicenseKey key) =>
        key.ActivationsLimit is { } limit ? text["LkSeatsOf", key.InstancesCount, limit] : text["LkSeatsUnlimited", key.InstancesCount];
}
