using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Access;
using Clientele.Features.Dashboard.Shell;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard;

/// <summary>The header's switchers: another of the person's businesses (404 for any other), or the other mode, for this session.</summary>
[Clientele.Platform.Audit.NotAudited]
public sealed class SwitchModel(DashboardSessionStore sessions) : DashboardPageModel
{
    public override string Section => DashboardNavigation.Customers;

    public IActionResult OnGet() => RedirectToPage("/Dashboard/Index");

    [RequirePermission(DashboardPermission.ViewData)]
    public async Task<IActionResult> OnPostBusinessAsync(string? businessId, string? returnUrl)
    {
        if (Dashboard.Memberships.FirstOrDefault(m => m.BusinessId == businessId) is not { } membership)
        {
            return NotFound();
        }
        await sessions.SetViewAsync(Dashboard.Session.SessionId, membership.BusinessId, Dashboard.Mode, HttpContext.RequestAborted);
        return Back(returnUrl);
    }

    [RequirePermission(DashboardPermission.ViewData)]
    public async Task<IActionResult> OnPostModeAsync(string? mode, string? returnUrl)
    {
        if (!ModeText.TryParse(mode, out var chosen))
        {
            return BadRequest();
        }
        await sessions.SetViewAsync(Dashboard.Session.SessionId, Dashboard.BusinessId, chosen, HttpContext.RequestAborted);
        return Back(returnUrl);
    }

    /// <summary>Back to the page the switch was made on (only a dashboard page of this site), without a <c>?business=</c> that would undo it.</summary>
    private RedirectResult Back(string? returnUrl) =>
        Redirect(Url.IsLocalUrl(returnUrl) && returnUrl!.StartsWith("/dashboard", StringComparison.Ordinal) && !returnUrl.Contains('?', StringComparison.Ordinal)
            ? returnUrl
            : Url.Page("/Dashboard/Index")!);
}
