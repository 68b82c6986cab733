using Clientele.Features.Portal.Shell;
using Clientele.Primitives;

namespace Clientele.Features.Dashboard.Shell;

/// <summary>The dashboard's session cookie, by the portal's cookie rules (<see cref="PortalCookies"/>): HttpOnly, SameSite=Lax, <c>__Host-</c> and Secure on https.</summary>
public static class DashboardCookies
{
    public static string? Read(HttpContext context) => context.Request.Cookies[PortalCookies.DashboardName(context)];

    public static void Append(HttpContext context, string token) =>
        context.Response.Cookies.Append(PortalCookies.DashboardName(context), token, PortalCookies.Options(context, Mode.Live));

    public static void Delete(HttpContext context) =>
        context.Response.Cookies.Delete(PortalCookies.DashboardName(context), PortalCookies.Options(context, Mode.Live));
}
