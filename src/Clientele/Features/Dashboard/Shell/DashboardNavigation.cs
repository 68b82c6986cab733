namespace Clientele.Features.Dashboard.Shell;

/// <summary>One entry of the dashboard's navigation: the page, the resource key of its label (DashboardText), and what it takes to see it.</summary>
public sealed record DashboardNavItem(string Section, string Page, string LabelKey, DashboardPermission Permission);

/// <summary>The dashboard's sections in navigation order; a new page adds one line here and names the same section.</summary>
public static class DashboardNavigation
{
    public const string Customers = "customers";
    public const string Team = "team";
    public const string Security = "security";
    public const string Audit = "audit";

    public static IReadOnlyList<DashboardNavItem> Items { get; } =
    [
        new(Customers, "/Dashboard/Customers", "NavCustomers", DashboardPermission.ViewData),
        new(Team, "/Dashboard/Team", "NavTeam", DashboardPermission.ManageTeam),
        new(Audit, "/Dashboard/Audit", "NavAudit", DashboardPermission.ViewAuditLog),
        new(Security, "/Dashboard/Security", "NavSecurity", DashboardPermission.ViewData),
    ];
}
