using Clientele.Features.Dashboard.Access;
using Clientele.Primitives;

namespace Clientele.Features.Dashboard.Shell;

/// <summary>
/// Who is looking at which business in which mode, resolved before any dashboard handler runs: the
/// signed-in person, every business they belong to (the switcher), the current one with their role, and
/// the session's mode. Pages read the tenant from here and from nowhere else.
/// </summary>
public sealed record DashboardContext(DashboardSession Session, IReadOnlyList<DashboardMembership> Memberships, DashboardMembership Current)
{
    public const string ViewDataKey = "DashboardContext";

    public string UserId => Session.UserId;

    public string Email => Session.Email;

    public string BusinessId => Current.BusinessId;

    public string BusinessName => Current.BusinessName;

    public DashboardRole Role => Current.Role;

    public Mode Mode => Session.Mode;

    public Tenant Tenant => new(Current.BusinessId, Session.Mode);

    public bool Can(DashboardPermission permission) => Current.Role.Allows(permission);
}
