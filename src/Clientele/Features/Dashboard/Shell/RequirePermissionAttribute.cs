namespace Clientele.Features.Dashboard.Shell;

/// <summary>
/// What a dashboard page (on its class) or a handler (on its method) requires; checked on the server by
/// <see cref="DashboardPageModel"/> before any handler runs. A page without one requires
/// <see cref="DashboardPermission.ViewData"/>; a handler that is not a GET must name its own, or it fails closed.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class RequirePermissionAttribute(DashboardPermission permission) : Attribute
{
    public DashboardPermission Permission { get; } = permission;
}
