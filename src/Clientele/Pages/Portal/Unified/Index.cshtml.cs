using System.Globalization;
using Clientele.Features.Portal.Access;
using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Unified;
using Clientele.Platform.Hosting;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Clientele.Pages.Portal.Unified;

/// <summary>The unified portal's front door: one e-mail for every business where it bought something (in the request's mode).</summary>
public sealed class IndexModel(UnifiedPortal unified, IOptions<Clientele.Features.Portal.PortalOptions> options) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    public bool Sent { get; private set; }

    public string? SentTo { get; private set; }

    public string? EmailError { get; private set; }

    public TimeSpan? RetryAfter { get; private set; }

    public TimeSpan LinkLifetime => options.Value.UnifiedLinkLifetime;

    public async Task<IActionResult> OnGetAsync()
    {
        // Someone already signed in to the unified portal goes straight to their businesses.
        var mode = PortalMode.Of(HttpContext);
        var session = await unified.ResolveSessionAsync(Request.Cookies[PortalCookies.UnifiedName(HttpContext, mode)], mode, HttpContext.RequestAborted);
        return session is null ? Page() : RedirectToPage("/Portal/Unified/Businesses");
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Response.Headers.CacheControl = PageSecurity.NoCacheNoStore;
        var email = EmailAddress.Normalize(Email);
        if (email is null)
        {
            EmailError = string.IsNullOrWhiteSpace(Email) ? "EmailRequired" : "EmailInvalid";
            return Page();
        }
        var outcome = await unified.RequestLinkAsync(email, PortalMode.Of(HttpContext), ClientAddress.Of(HttpContext), CultureInfo.CurrentUICulture, HttpContext.RequestAborted);
        if (outcome is StaticLinkOutcome.RateLimited limited)
        {
            RetryAfter = limited.RetryAfter;
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Page();
        }
        Sent = true;
        SentTo = email;
        return Page();
    }
}
