using Clientele.Features.Portal.Sessions;
using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Unified;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// Logout (POST only, with the antiforgery token): revokes the session row, so the cookie is
/// worthless even if kept, and ends a unified-portal session opened in the same browser too.
/// </summary>
public sealed class LogoutModel(PortalSessionStore sessions, UnifiedPortal unified) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Portal/Session/Overview");

    public async Task<IActionResult> OnPostAsync()
    {
        var mode = PortalMode.Of(HttpContext);
        var token = Request.Cookies[PortalCookies.SessionName(HttpContext, mode)];
        var businessId = await sessions.FindBusinessOfAsync(token, mode, HttpContext.RequestAborted);
        await sessions.RevokeAsync(token, mode, HttpContext.RequestAborted);
        PortalCookies.DeleteSession(HttpContext, mode);
        var unifiedToken = Request.Cookies[PortalCookies.UnifiedName(HttpContext, mode)];
        if (unifiedToken is not null)
        {
            await unified.RevokeSessionAsync(unifiedToken, HttpContext.RequestAborted);
            PortalCookies.DeleteUnified(HttpContext, mode);
        }
        return RedirectToPage("/Portal/SignedOut", new { business = businessId });
    }
}
