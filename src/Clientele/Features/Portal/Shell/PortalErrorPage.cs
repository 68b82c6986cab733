using System.Globalization;
using System.Net;
using Clientele.Features.Portal.Localization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Net.Http.Headers;

namespace Clientele.Features.Portal.Shell;

/// <summary>
/// What a person's browser gets when a page fails: a short page in their language with the right
/// status, never the API's JSON error, an empty body or a stack trace. API clients keep the JSON.
/// </summary>
public static class PortalErrorPage
{
    /// <summary>A failure inside a page becomes a 500 page (the outer handler still answers JSON for the API).</summary>
    public static IApplicationBuilder UsePortalErrorPage(this IApplicationBuilder app) =>
        app.Use((context, next) => IsPage(context) ? ServePageAsync(context, next) : next(context));

    private static async Task ServePageAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PortalErrorPage))
                .LogError(ex, "Portal page {Path} failed", context.Request.Path);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await WriteAsync(context);
        }
    }

    /// <summary>
    /// A 4xx/5xx without a body (a page's <c>NotFound()</c>, an unknown address typed in a browser, a
    /// refused antiforgery token) becomes a page saying so, with its status kept.
    /// </summary>
    public static IApplicationBuilder UseBrowserStatusPages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(context => IsPage(context.HttpContext) || WantsHtml(context.HttpContext.Request)
            ? WriteAsync(context.HttpContext)
            : Task.CompletedTask);

    /// <summary>A browser navigating (it asks for HTML first), as opposed to an SDK or <c>curl</c>.</summary>
    public static bool WantsHtml(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && request.GetTypedHeaders().Accept is { Count: > 0 } accept
        && accept.Any(type => type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    private static bool IsPage(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>() is not null;

    private static async Task WriteAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var text = context.RequestServices.GetRequiredService<IStringLocalizer<PortalText>>();
        var (title, body) = status switch
        {
            StatusCodes.Status404NotFound or StatusCodes.Status410Gone => (text["NotFoundTitle"], text["NotFoundBody"]),
            >= 500 => (text["ErrorTitle"], text["ErrorBody"]),
            _ => (text["RequestErrorTitle"], text["RequestErrorBody"]),
        };
        var e = (Func<string, string>)WebUtility.HtmlEncode;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var culture = CultureInfo.CurrentUICulture;
        await context.Response.WriteAsync($"""
            <!doctype html>
            <html lang="{e(culture.Name)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{e(title)}</title><link rel="stylesheet" href="{PortalAssets.StylesheetPath}"></head>
            <body><main id="main" class="narrow"><div class="card" role="alert"><h1>{e(title)}</h1><p>{e(body)}</p>
            <p class="hint">{e(string.Format(culture, text["ErrorStatus"], status))}</p></div></main></body></html>
            """);
    }
}
