using Clientele.Features.Portal.Localization;
using Clientele.Features.Portal.Sessions;
using Clientele.Features.Portal.Shell;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Clientele.Pages.Portal;

/// <summary>
/// The language switcher's target: remembers the choice in a cookie for a year (and on the
/// signed-in customer, so later e-mails use it too), then returns to the page it came from.
/// </summary>
public sealed class LanguageModel(PortalSessionStore sessions, NpgsqlDataSource dataSource) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? culture, string? returnUrl)
    {
        if (PortalCultures.IsSupported(culture))
        {
            var chosen = PortalCultures.Resolve(culture);
            var mode = PortalMode.Of(HttpContext);
            Response.Cookies.Append(PortalCultures.CookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)), new CookieOptions
            {
                MaxAge = TimeSpan.FromDays(365),
                HttpOnly = true,
                Secure = PortalCookies.IsSecure(HttpContext, mode),
                SameSite = SameSiteMode.Lax,
                Path = "/",
                IsEssential = true,
            });
            var session = await sessions.ResolveAsync(Request.Cookies[PortalCookies.SessionName(HttpContext, mode)], mode, HttpContext.RequestAborted);
            if (session is not null)
            {
                await using var connection = await dataSource.OpenConnectionAsync(HttpContext.RequestAborted);
                await PortalCustomers.RememberCultureAsync(connection, null, session.Tenant, session.CustomerId, chosen, HttpContext.RequestAborted);
            }
        }
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}
