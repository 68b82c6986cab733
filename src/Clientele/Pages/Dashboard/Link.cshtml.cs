using Clientele.Features.Dashboard.Access;
using Clientele.Features.Dashboard.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Dashboard;

/// <summary>
/// A sign-in link, <c>/dashboard/link/{token}</c>. The GET only shows a button (a mail scanner's fetch leaves
/// the link intact); the POST uses the link and opens a session. A used, expired or unknown link gets 410.
/// </summary>
public sealed class LinkModel(DashboardSignIn signIn) : PageModel
{
    public DashboardLinkState State { get; private set; } = DashboardLinkState.Unknown;

    public async Task<IActionResult> OnGetAsync(string token)
    {
        Response.Headers.CacheControl = Clientele.Platform.Hosting.PageSecurity.NoCacheNoStore;
        State = await signIn.PeekAsync(token, HttpContext.RequestAborted);
        if (State != DashboardLinkState.Valid)
        {
            Response.StatusCode = StatusCodes.Status410Gone;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token)
    {
        Response.Headers.CacheControl = Clientele.Platform.Hosting.PageSecurity.NoCacheNoStore;
        var outcome = await signIn.RedeemAsync(token, DashboardCookies.Read(HttpContext), HttpContext.RequestAborted);
        switch (outcome)
        {
            case SignInRedeemOutcome.SignedIn signedIn:
                DashboardCookies.Append(HttpContext, signedIn.SessionToken);
                return signedIn.NeedsSecondFactor ? RedirectToPage("/Dashboard/Verify") : RedirectToPage("/Dashboard/Index");
            case SignInRedeemOutcome.Refused refused:
                State = refused.State;
                break;
        }
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }
}
