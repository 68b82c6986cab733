using Clientele.Features.Dashboard.Access;
using Clientele.Features.Dashboard.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Dashboard;

/// <summary>Sign out: the session is revoked on the server (the cookie is worthless even if kept), then the cookie is deleted.</summary>
public sealed class LogoutModel(DashboardSessionStore sessions) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Dashboard/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await sessions.RevokeAsync(DashboardCookies.Read(HttpContext), HttpContext.RequestAborted);
        DashboardCookies.Delete(HttpContext);
        return RedirectToPage("/Dashboard/SignedOut");
    }
}
