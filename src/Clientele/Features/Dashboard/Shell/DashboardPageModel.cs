using System.Net;
using System.Reflection;
using Clientele.Features.Dashboard.Access;
using Clientele.Features.Dashboard.Localization;
using Clientele.Features.Portal.Shell;
using Clientele.Platform.Audit;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Clientele.Features.Dashboard.Shell;

/// <summary>
/// Base of every signed-in dashboard page. Before any handler runs it resolves the session from the cookie,
/// the business (the session's, or <c>?business=</c> — 404 unless the person is a member), the mode and the
/// role, and enforces the page's and the handler's <see cref="RequirePermissionAttribute"/> (403 otherwise).
/// Pages read <see cref="Dashboard"/>: <c>Dashboard.Tenant</c> is the only business and mode they may query.
/// </summary>
public abstract class DashboardPageModel : PageModel
{
    public const string BusinessQuery = "business";

    public DashboardContext Dashboard { get; private set; } = null!;

    /// <summary>The navigation section this page belongs to (<see cref="DashboardNavigation"/>), marked as current.</summary>
    public abstract string Section { get; }

    public bool Can(DashboardPermission permission) => Dashboard.Can(permission);

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        Response.Headers.CacheControl = Clientele.Platform.Hosting.PageSecurity.NoCacheNoStore;
        var sessions = HttpContext.RequestServices.GetRequiredService<DashboardSessionStore>();
        var token = DashboardCookies.Read(HttpContext);
        var resolved = await sessions.ResolveAsync(token, HttpContext.RequestAborted);
        if (resolved is not var (session, memberships))
        {
            if (token is not null)
            {
                DashboardCookies.Delete(HttpContext);
            }
            context.Result = RedirectToPage("/Dashboard/Login", token is null ? null : new { ended = true });
            return;
        }
        if (session.AwaitingSecondFactor)
        {
            context.Result = RedirectToPage("/Dashboard/Verify");
            return;
        }
        if (memberships.Count == 0)
        {
            await sessions.RevokeAsync(token, HttpContext.RequestAborted);
            DashboardCookies.Delete(HttpContext);
            context.Result = RedirectToPage("/Dashboard/Login", new { ended = true });
            return;
        }
        var requested = Request.Query[BusinessQuery].ToString();
        var current = requested.Length > 0
            ? memberships.FirstOrDefault(m => m.BusinessId == requested)
            : memberships.FirstOrDefault(m => m.BusinessId == session.BusinessId) ?? memberships[0];
        if (current is null)
        {
            // Another business's page (or one that does not exist): nothing tells them apart.
            context.Result = NotFound();
            return;
        }
        if (current.BusinessId != session.BusinessId)
        {
            await sessions.SetViewAsync(session.SessionId, current.BusinessId, session.Mode, HttpContext.RequestAborted);
        }
        Dashboard = new DashboardContext(session with { BusinessId = current.BusinessId }, memberships, current);
        if (!GetType().IsDefined(typeof(NotAuditedAttribute), inherit: true))
        {
            new AuditActor(Dashboard.Tenant, AuditActorKind.User, Dashboard.UserId, Dashboard.Email).AttachTo(HttpContext);
        }
        ViewData[DashboardContext.ViewDataKey] = Dashboard;
        ViewData["Section"] = Section;

        var missing = RequiredPermissions(context).Where(p => !Dashboard.Can(p)).ToList();
        if (missing.Count > 0)
        {
            context.Result = Forbidden();
            return;
        }
        if (await BeforeHandlerAsync(context) is { } early)
        {
            context.Result = early;
            return;
        }
        await next();
    }

    /// <summary>
    /// Runs after the person, business, mode and permissions are settled and before the handler: a page that
    /// loads the object its URL names (e.g. one customer) does it here and answers 404 when it is not theirs.
    /// </summary>
    protected virtual Task<IActionResult?> BeforeHandlerAsync(PageHandlerExecutingContext context) => Task.FromResult<IActionResult?>(null);

    /// <summary>The page's permissions and the handler's; a handler that changes something must name what it needs.</summary>
    private List<DashboardPermission> RequiredPermissions(PageHandlerExecutingContext context)
    {
        var onPage = GetType().GetCustomAttributes<RequirePermissionAttribute>(inherit: true).Select(a => a.Permission).ToList();
        var onHandler = context.HandlerMethod?.MethodInfo.GetCustomAttributes<RequirePermissionAttribute>().Select(a => a.Permission).ToList() ?? [];
        if (!HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method) && context.HandlerMethod is not null && onHandler.Count == 0)
        {
            throw new InvalidOperationException($"Dashboard handler {GetType().Name}.{context.HandlerMethod.MethodInfo.Name} names no [RequirePermission]: every handler that is not a GET must.");
        }
        return onPage.Count == 0 ? [DashboardPermission.ViewData, .. onHandler] : [.. onPage, .. onHandler];
    }

    /// <summary>A short page in the person's language, status 403, with the way back.</summary>
    private ContentResult Forbidden()
    {
        var text = HttpContext.RequestServices.GetRequiredService<IStringLocalizer<DashboardText>>();
        var e = (Func<string, string>)WebUtility.HtmlEncode;
        var home = Url.Page("/Dashboard/Index") ?? "/dashboard";
        return new ContentResult
        {
            StatusCode = StatusCodes.Status403Forbidden,
            ContentType = "text/html; charset=utf-8",
            Content = $"""
                <!doctype html>
                <html lang="{e(System.Globalization.CultureInfo.CurrentUICulture.Name)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="color-scheme" content="light dark"><title>{e(text["ForbiddenTitle"])}</title><link rel="stylesheet" href="{PortalAssets.StylesheetPath}"></head>
                <body><main id="main" class="narrow"><div class="card" role="alert"><h1>{e(text["ForbiddenTitle"])}</h1><p>{e(text["ForbiddenBody", text["Role_" + Dashboard.Role.ToDb()]])}</p>
                <p><a href="{e(home)}">{e(text["BackToDashboard"])}</a></p></div></main></body></html>
                """,
        };
    }
}
