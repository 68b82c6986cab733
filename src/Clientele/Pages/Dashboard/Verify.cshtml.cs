using System.Globalization;
using Clientele.Features.Dashboard.Access;
using Clientele.Features.Dashboard.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Dashboard;

/// <summary><c>/dashboard/verify</c>: the two-factor step after a link, for people who turned it on (a code from the app, or a recovery code).</summary>
public sealed class VerifyModel(DashboardSessionStore sessions, DashboardSignIn signIn) : PageModel
{
    private DashboardSession session = null!;

    [BindProperty]
    public string? Code { get; set; }

    public string? Error { get; private set; }

    public TimeSpan? RetryAfter { get; private set; }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        Response.Headers.CacheControl = Clientele.Platform.Hosting.PageSecurity.NoCacheNoStore;
        var resolved = await sessions.ResolveAsync(DashboardCookies.Read(HttpContext), HttpContext.RequestAborted);
        if (resolved is not var (resolvedSession, _))
        {
            context.Result = RedirectToPage("/Dashboard/Login", new { ended = true });
            return;
        }
        if (!resolvedSession.AwaitingSecondFactor)
        {
            context.Result = RedirectToPage("/Dashboard/Index");
            return;
        }
        session = resolvedSession;
        await next();
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        switch (await signIn.VerifySecondFactorAsync(session, Code, HttpContext.RequestAborted))
        {
            case SecondFactorOutcome.Verified:
                return RedirectToPage("/Dashboard/Index");
            case SecondFactorOutcome.RateLimited limited:
                RetryAfter = limited.RetryAfter;
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = ((int)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Page();
            default:
                Error = "CodeWrong";
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
        }
    }
}
