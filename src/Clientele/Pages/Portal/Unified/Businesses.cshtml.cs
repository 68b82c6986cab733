using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Unified;
using Clientele.Platform.Hosting;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Portal.Unified;

/// <summary>Every business (live mode) where the unified session's e-mail is a customer; entering one needs no further e-mail.</summary>
public sealed class BusinessesModel(UnifiedPortal unified) : PageModel
{
    public UnifiedSession Session { get; private set; } = null!;

    public IReadOnlyList<UnifiedBusiness> Businesses { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await ResolveAsync() is { } redirect)
        {
            return redirect;
        }
        Businesses = await unified.ListBusinessesAsync(Session, HttpContext.RequestAborted);
        return Page();
    }

    public async Task<IActionResult> OnPostEnterAsync(string businessId)
    {
        if (await ResolveAsync() is { } redirect)
        {
            return redirect;
        }
        var current = Request.Cookies[PortalCookies.SessionName(HttpContext, Mode.Live)];
        var token = await unified.EnterAsync(Session, businessId, current, HttpContext.RequestAborted);
        if (token is null)
        {
            return NotFound();
        }
        PortalCookies.AppendSession(HttpContext, Mode.Live, token);
        return RedirectToPage("/Portal/Session/Overview");
    }

    private async Task<IActionResult?> ResolveAsync()
    {
        Response.Headers.CacheControl = PageSecurity.NoCacheNoStore;
        if (PortalMode.Of(HttpContext) != Mode.Live)
        {
            return NotFound();
        }
        var session = await unified.ResolveSessionAsync(Request.Cookies[PortalCookies.UnifiedName(HttpContext)], HttpContext.RequestAborted);
        if (session is null)
        {
            return RedirectToPage("/Portal/Unified/Index");
        }
        Session = session;
        return null;
    }
}
