using System.Globalization;
using Clientele.Features.Portal.Access;
using Clientele.Features.Portal.Profile;
using Clientele.Features.Portal.Sessions;
using Clientele.Features.Portal.Shell;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Portal;

/// <summary>
/// A single-use link, <c>/link/{token}</c>. GET never uses it: it shows a page that continues by
/// itself with a POST (a button without scripts), so a mail scanner's fetch leaves the link intact.
/// Only the POST uses the link. A used, expired or unknown link gets a friendly way to a new one.
/// </summary>
public sealed class LinkModel(PortalAccess access, ProfileOperations profile) : PageModel
{
    public LinkPeek? Link { get; private set; }

    public LinkState State { get; private set; } = LinkState.Unknown;

    /// <summary>Set after an e-mail change was confirmed: the address now on file.</summary>
    public string? ConfirmedEmail { get; private set; }

    public bool EmailTaken { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token)
    {
        Response.Headers.CacheControl = PageSecurity.NoCacheNoStore;
        Link = await access.PeekAsync(token, PortalMode.Of(HttpContext), HttpContext.RequestAborted);
        State = Link?.State ?? LinkState.Unknown;
        ViewData["Brand"] = Link?.Brand;
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
        Link = await access.PeekAsync(token, mode, HttpContext.RequestAborted);
        ViewData["Brand"] = Link?.Brand;
        if (Link?.Purpose == LinkPurpose.EmailChange)
        {
            var outcome = await profile.ConfirmEmailChangeAsync(token, mode, HttpContext.RequestAborted);
            switch (outcome)
            {
                case EmailChangeOutcome.Confirmed confirmed:
                    ConfirmedEmail = confirmed.Email;
                    State = LinkState.Used;
                    return Page();
                case EmailChangeOutcome.Taken:
                    EmailTaken = true;
                    State = LinkState.Used;
                    return Page();
                case EmailChangeOutcome.Refused refused:
                    State = refused.State;
                    Response.StatusCode = StatusCodes.Status410Gone;
                    return Page();
            }
        }

        var current = Request.Cookies[PortalCookies.SessionName(HttpContext, mode)];
        var result = await access.RedeemLoginAsync(token, mode, current, CultureInfo.CurrentUICulture, HttpContext.RequestAborted);
        if (result is RedeemOutcome.SignedIn signedIn)
        {
            PortalCookies.AppendSession(HttpContext, mode, signedIn.SessionToken);
            return RedirectToPage("/Portal/Session/Overview");
        }
        State = ((RedeemOutcome.Refused)result).State;
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }
}
