using Clientele.Features.Portal.Sessions;
using Clientele.Platform.Audit;
using Clientele.Platform.Data;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Clientele.Features.Portal.Shell;

/// <summary>
/// Base of every signed-in portal page: resolves the session from the cookie before any handler
/// runs, so a page can only ever read <see cref="Portal"/> — the session's own customer, business
/// and mode. Without a live session the browser goes to the sign-in page (or a signed-out page),
/// and nothing is cached, so the back button after logout shows no data.
/// </summary>
public abstract class PortalPageModel : PageModel
{
    public const string SessionViewDataKey = "PortalSession";

    public PortalSession Portal { get; private set; } = null!;

    /// <summary>The navigation section this page belongs to (marked as current).</summary>
    public abstract string Section { get; }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // The value antiforgery sets on every page with a form: setting it first keeps antiforgery from
        // logging a warning that it overrode ours on each page served.
        Response.Headers.CacheControl = PageSecurity.NoCacheNoStore;
        Response.Headers.Pragma = "no-cache";
        var mode = PortalMode.Of(HttpContext);
        var sessions = HttpContext.RequestServices.GetRequiredService<PortalSessionStore>();
        var token = Request.Cookies[PortalCookies.SessionName(HttpContext, mode)];
        var connection = await ConnectionAsync();
        var session = await sessions.ResolveAsync(connection, token, mode, HttpContext.RequestAborted);
        if (session is null)
        {
            var businessId = await sessions.FindBusinessOfAsync(connection, token, mode, HttpContext.RequestAborted);
            if (token is not null)
            {
                PortalCookies.DeleteSession(HttpContext, mode);
            }
            context.Result = businessId is null
                ? RedirectToPage("/Portal/SignedOut")
                : RedirectToPage("/Portal/Login", new { businessId, ended = true });
            return;
        }
        // The session is read: give the connection back before the handler runs, because most handlers call
        // services that borrow their own (holding this one meanwhile would deadlock a saturated pool).
        await HttpContext.RequestServices.GetRequiredService<RequestConnection>().ReleaseAsync();
        Portal = session;
        // The customer is the actor of whatever this request changes (the audit trail records it after the answer).
        new AuditActor(session.Tenant, AuditActorKind.Customer, session.CustomerId, session.CustomerEmail).AttachTo(HttpContext);
        ViewData[SessionViewDataKey] = session;
        ViewData["Section"] = Section;
        await next();
    }

    /// <summary>
    /// The request's pooled connection for the page's own reads. Call no service that opens its own
    /// connection after this (the page would hold two); read what needs services first.
    /// </summary>
    protected ValueTask<NpgsqlConnection> ConnectionAsync() =>
        HttpContext.RequestServices.GetRequiredService<RequestConnection>().GetAsync(HttpContext.RequestAborted);
}
