using System.Globalization;
using System.Net;
using Clientele.Features.Portal.Localization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Clientele.Features.Portal.Shell;

/// <summary>
/// A failure inside a portal page becomes a short page in the customer's language, not the API's JSON
/// error (which the outer handler still writes for everything else). Never a stack trace.
/// </summary>
public static class PortalErrorPage
{
    public static IApplicationBuilder UsePortalErrorPage(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>() is null)
        {
            await next(context);
            return;
        }
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PortalErrorPage))
                .LogError(ex, "Portal page {Path} failed", context.Request.Path);
            var text = context.RequestServices.GetRequiredService<IStringLocalizer<PortalText>>();
            var e = (Func<string, string>)WebUtility.HtmlEncode;
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsync($"""
                <!doctype html>
                <html lang="{e(CultureInfo.CurrentUICulture.Name)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>{e(text["ErrorTitle"])}</title><link rel="stylesheet" href="{PortalAssets.StylesheetPath}"></head>
                <body><main id="main" class="narrow"><div class="card" role="alert"><h1>{e(text["ErrorTitle"])}</h1><p>{e(text["ErrorBody"])}</p></div></main></body></html>
                """);
        }
    });
}
