namespace Clientele.Features.Dashboard.Shell;

/// <summary>
/// One entry of the dashboard's navigation: the page, the resource key of its label (DashboardText), and what it takes
/// to see it; <paramref name="GroupKey"/> (a resource key) puts it in a titled group, such as Settings.
/// </summary>
public sealed record DashboardNavItem(string Section, string Page, string LabelKey, DashboardPermission Permission, string? GroupKey = null);

/// <summary>The dashboard's sections in navigation order; a new page adds one line here and names the same section.</summary>
public static class DashboardNavigation
{
    public const string Customers = "customers";
    public const string Team = "team";
    public const string Security = "security";
    public const string Audit = "audit";
    public const string Branding = "settings-branding";
    public const string SubscriptionSettings = "settings-subscriptions";
    public const string ApiKeys = "settings-api-keys";
    public const string Webhooks = "settings-webhooks";
    public const string SettingsGroup = "SetNavGroup";

    public static IReadOnlyList<DashboardNavItem> Items { get; } =
    [
        new(Customers, "/Dashboard/Customers", "NavCustomers", DashboardPermission.ViewData),
        new(Team, "/Dashboard/Team", "NavTeam", DashboardPermission.ManageTeam),
        new(Audit, "/Dashboard/Audit", "NavAudit", DashboardPermission.ViewAuditLog),
        new(Security, "/Dashboard/Security", "NavSecurity", DashboardPermission.ViewData),
        new(Branding, "/Dashboard/Settings/Branding", "SetNavBranding", DashboardPermission.ManageSettings, SettingsGroup),
        new(SubscriptionSettings, "/Dashboard/Settings/Subscriptions", "SetNavSubscriptions", DashboardPermission.ManageSettings, SettingsGroup),
        new(ApiKeys, "/Dashboard/Settings/ApiKeys", "SetNavApiKeys", DashboardPermission.ManageApiKeys, SettingsGroup),
        new(Webhooks, "/Dashboard/Settings/Webhooks", "SetNavWebhooks", DashboardPermission.ManageWebhooks, SettingsGroup),
    ];
}
