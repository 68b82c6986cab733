using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Features.Portal.Shell;

/// <summary>
/// Headers for every portal page: a Content-Security-Policy that allows only our own script and
/// stylesheet (merchant logos may come from anywhere), no framing, no MIME sniffing, and no
/// Referer, so a link's token in the address bar never leaks to another site.
/// </summary>
public static class PortalSecurityHeaders
{
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IApplicationBuilder UsePortalSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var page = context.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>()?.ViewEnginePath;
            var isPortalPage = page is not null && (page.StartsWith("/Portal/", StringComparison.Ordinal) || page.StartsWith("/Dev/", StringComparison.Ordinal));
            if (isPortalPage && context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = Policy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
            }
            return Task.CompletedTask;
        });
        await next(context);
    });
}
