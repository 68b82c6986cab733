using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Unified;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Unified;

/// <summary>Every business (in the session's mode) where the unified session's e-mail is a customer; entering one needs no further e-mail.</summary>
public sealed class BusinessesModel(UnifiedPortal unified) : UnifiedPageModel(unified)
{
    public IReadOnlyList<UnifiedBusiness> Businesses { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await ResolveAsync() is { } redirect)
        {
            return redirect;
        }
        Businesses = await Unified.ListBusinessesAsync(Session, HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>
    /// Opens the business's portal as its customer and lands on its overview, or — from the unified
    /// lists — straight on one subscription or one invoice (that page checks the row is the customer's).
    /// </summary>
    public async Task<IActionResult> OnPostEnterAsync(string businessId, string? subscription, string? invoice)
    {
        if (await ResolveAsync() is { } redirect)
        {
            return redirect;
        }
        var current = Request.Cookies[PortalCookies.SessionName(HttpContext, Session.Mode)];
        var token = await Unified.EnterAsync(Session, businessId, current, HttpContext.RequestAborted);
        if (token is null)
        {
            return NotFound();
        }
        PortalCookies.AppendSession(HttpContext, Session.Mode, token);
        if (!string.IsNullOrEmpty(subscription))
        {
            return RedirectToPage("/Portal/Session/Subscription", new { id = subscription });
        }
        return string.IsNullOrEmpty(invoice)
            ? RedirectToPage("/Portal/Session/Overview")
            : RedirectToPage("/Portal/Session/Invoice", new { paymentId = invoice });
    }
}
