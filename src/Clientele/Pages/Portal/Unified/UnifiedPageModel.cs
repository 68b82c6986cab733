using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Unified;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Portal.Unified;

/// <summary>
/// A page behind the unified sign-in (in the request's mode): resolves the unified session from its cookie
/// or sends the visitor to the unified front door. Nothing it shows is cached.
/// </summary>
public abstract class UnifiedPageModel(UnifiedPortal unified) : PageModel
{
    public UnifiedSession Session { get; private set; } = null!;

    protected UnifiedPortal Unified => unified;

    protected async Task<IActionResult?> ResolveAsync()
    {
        Response.Headers.CacheControl = PageSecurity.NoCacheNoStore;
        var mode = PortalMode.Of(HttpContext);
        var session = await unified.ResolveSessionAsync(Request.Cookies[PortalCookies.UnifiedName(HttpContext, mode)], mode, HttpContext.RequestAborted);
        if (session is null)
        {
            return RedirectToPage("/Portal/Unified/Index");
        }
        Session = session;
        return null;
    }
}
