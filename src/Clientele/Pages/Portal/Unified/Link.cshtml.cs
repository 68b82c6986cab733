using Clientele.Features.Portal.Access;
using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Unified;
using Clientele.Platform.Hosting;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Portal.Unified;

/// <summary>A unified-portal link: same scanner-safe GET-then-POST as a business's link.</summary>
public sealed class LinkModel(UnifiedPortal unified) : PageModel
{
    public LinkState State { get; private set; } = LinkState.Unknown;

    public async Task<IActionResult> OnGetAsync(string token)
    {
        Response.Headers.CacheControl = PageSecurity.NoCacheNoStore;
        State = await unified.PeekAsync(token, PortalMode.Of(HttpContext), HttpContext.RequestAborted);
        if (State != LinkState.Valid)
        {
            Response.StatusCode = StatusCodes.Status410Gone;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token)
    {
        Response.Headers.CacheControl = PageSecurity.NoCacheNoStore;
        var mode = PortalMode.Of(HttpContext);
        var outcome = await unified.RedeemAsync(token, mode, Request.Cookies[PortalCookies.UnifiedName(HttpContext, mode)], HttpContext.RequestAborted);
        if (outcome is UnifiedRedeemOutcome.SignedIn signedIn)
        {
            PortalCookies.AppendUnified(HttpContext, mode, signedIn.SessionToken);
            return RedirectToPage("/Portal/Unified/Businesses");
        }
        State = ((UnifiedRedeemOutcome.Refused)outcome).State;
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }
}
