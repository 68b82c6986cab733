namespace Clientele.Features.Portal.Shell;

/// <summary>One entry of the portal's navigation: the page it opens and the resource key of its label.</summary>
public sealed record PortalNavItem(string Section, string Page, string LabelKey);

/// <summary>
/// The portal's sections in navigation order. A section whose feature has not landed yet still has
/// its page (an empty state); when the feature lands, only that page changes.
/// </summary>
public static class PortalNavigation
{
    public const string Overview = "overview";
    public const string Billing = "billing";
    public const string Subscriptions = "subscriptions";
    public const string PaymentMethods = "payment-methods";
    public const string LicenseKeys = "license-keys";
    public const string Wallets = "wallets";
    public const string Profile = "profile";
    public const string Activity = "activity";

    public static IReadOnlyList<PortalNavItem> Items { get; } =
    [
        new(Overview, "/Portal/Session/Overview", "NavOverview"),
        new(Billing, "/Portal/Session/Billing", "NavBilling"),
        new(Subscriptions, "/Portal/Session/Subscriptions", "NavSubscriptions"),
        new(PaymentMethods, "/Portal/Session/PaymentMethods", "NavPaymentMethods"),
        new(LicenseKeys, "/Portal/Session/LicenseKeys", "NavLicenseKeys"),
        new(Wallets, "/Portal/Session/Wallets", "NavWallets"),
        new(Profile, "/Portal/Session/Profile", "NavProfile"),
        new(Activity, "/Portal/Session/Activity", "NavActivity"),
    ];
}
