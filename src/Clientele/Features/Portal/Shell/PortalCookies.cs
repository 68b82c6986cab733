using Clientele.Platform;
using Clientele.Primitives;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Portal.Shell;

/// <summary>
/// Session cookies. Where the mode's public base URL is https the cookie is
/// <c>__Host-clientele_{live|test|unified|unified_test}</c>: Secure, Path=/, no Domain, so no other host or path can
/// set or read it. On a plain-http loopback base (local development) browsers refuse <c>__Host-</c>
/// and Secure cookies, so the name drops the prefix there: <c>clientele_{…}</c>. Always HttpOnly and
/// SameSite=Lax (so a link from an e-mail or the merchant's site opens a signed-in page; every
/// state change is a POST with an antiforgery token). The scheme follows the configured base URL, not
/// the request, so a TLS-terminating proxy in front does not downgrade the cookie.
/// </summary>
public static class PortalCookies
{
    public const string Unified = "unified";

    /// <summary>The merchant dashboard's session cookie (on the live base URL, like the unified portal's).</summary>
    public const string Dashboard = "dashboard";

    public static string SessionName(HttpContext context, Mode mode) => Name(context, mode, mode.ToDb());

    /// <summary>The unified portal's cookie: <c>unified</c> in live mode, <c>unified_test</c> for the test base URL.</summary>
    public static string UnifiedName(HttpContext context, Mode mode) => Name(context, mode, mode == Mode.Live ? Unified : Unified + "_test");

    public static string DashboardName(HttpContext context) => Name(context, Mode.Live, Dashboard);

    public static void AppendSession(HttpContext context, Mode mode, string token) =>
        context.Response.Cookies.Append(SessionName(context, mode), token, Options(context, mode));

    public static void AppendUnified(HttpContext context, Mode mode, string token) =>
        context.Response.Cookies.Append(UnifiedName(context, mode), token, Options(context, mode));

    public static void DeleteSession(HttpContext context, Mode mode) =>
        context.Response.Cookies.Delete(SessionName(context, mode), Options(context, mode));

    public static void DeleteUnified(HttpContext context, Mode mode) =>
        context.Response.Cookies.Delete(UnifiedName(context, mode), Options(context, mode));

    /// <summary>Whether cookies for this mode are Secure (and so <c>__Host-</c>): false only for an http loopback base.</summary>
    public static bool IsSecure(HttpContext context, Mode mode)
    {
        var baseUrl = new Uri(context.RequestServices.GetRequiredService<IOptions<PublicUrlOptions>>().Value.BaseFor(mode));
        return !(baseUrl.Scheme == Uri.UriSchemeHttp && ReturnUrl.IsLoopback(baseUrl.Host));
    }

    public static CookieOptions Options(HttpContext context, Mode mode) => new()
    {
        HttpOnly = true,
        Secure = IsSecure(context, mode),
        SameSite = SameSiteMode.Lax,
        Path = "/",
        IsEssential = true,
    };

    private static string Name(HttpContext context, Mode mode, string suffix) =>
        IsSecure(context, mode) ? $"__Host-clientele_{suffix}" : $"clientele_{suffix}";
}
