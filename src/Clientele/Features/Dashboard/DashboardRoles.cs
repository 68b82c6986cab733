namespace Clientele.Features.Dashboard;

/// <summary>What a member of a business may be. Stored as its lower-case name.</summary>
public enum DashboardRole
{
    Owner,
    Admin,
    Support,
    Viewer,
}

/// <summary>
/// Everything a dashboard page or action can require. Pages ask for one of these, never for a role,
/// so the matrix below is the one place that says who may do what.
/// </summary>
public enum DashboardPermission
{
    /// <summary>Read every page of the business (customers, payments, subscriptions, …).</summary>
    ViewData,

    /// <summary>Download or e-mail reports of what one can read.</summary>
    ExportReports,

    /// <summary>Refund a payment.</summary>
    IssueRefunds,

    /// <summary>Send or copy portal links and invites for a customer.</summary>
    SendPortalInvites,

    /// <summary>Credit or debit a customer's wallet.</summary>
    AdjustWallets,

    /// <summary>Create and edit customers, subscriptions, products and the like.</summary>
    EditData,

    /// <summary>Business settings (brand, portal policy, subscription settings).</summary>
    ManageSettings,

    /// <summary>Webhook endpoints and their secrets.</summary>
    ManageWebhooks,

    /// <summary>API keys.</summary>
    ManageApiKeys,

    /// <summary>Invite people, change roles, remove members (and so ownership).</summary>
    ManageTeam,

    /// <summary>Read the audit log (who changed what, when, from where).</summary>
    ViewAuditLog,
}

/// <summary>The permission matrix: owner everything; admin everything but the team; support reads plus refunds, invites and wallet adjustments (not the audit log); viewer reads (not the audit log).</summary>
public static class DashboardPermissions
{
    public static bool Allows(this DashboardRole role, DashboardPermission permission) => role switch
    {
        DashboardRole.Owner => true,
        DashboardRole.Admin => permission != DashboardPermission.ManageTeam,
        DashboardRole.Support => permission is DashboardPermission.ViewData or DashboardPermission.ExportReports
            or DashboardPermission.IssueRefunds or DashboardPermission.SendPortalInvites or DashboardPermission.AdjustWallets,
        DashboardRole.Viewer => permission is DashboardPermission.ViewData or DashboardPermission.ExportReports,
        _ => false,
    };

    public static string ToDb(this DashboardRole role) => role switch
    {
        DashboardRole.Owner => "owner",
        DashboardRole.Admin => "admin",
        DashboardRole.Support => "support",
        _ => "viewer",
    };

    public static bool TryParse(string? text, out DashboardRole role)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "owner": role = DashboardRole.Owner; return true;
            case "admin": role = DashboardRole.Admin; return true;
            case "support": role = DashboardRole.Support; return true;
            case "viewer": role = DashboardRole.Viewer; return true;
            default: role = DashboardRole.Viewer; return false;
        }
    }

    public static DashboardRole Parse(string text) => TryParse(text, out var role) ? role : throw new ArgumentException($"Unknown role '{text}'.", nameof(text));

    public static IReadOnlyList<DashboardRole> All { get; } = [DashboardRole.Owner, DashboardRole.Admin, DashboardRole.Support, DashboardRole.Viewer];
}
