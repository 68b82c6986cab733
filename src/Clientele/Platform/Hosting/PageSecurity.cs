using Clientele.Platform.Operations;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Clientele.Platform.Hosting;

/// <summary>
/// One policy for every HTML page (portal, hosted payment page, receipts, dev mailbox) and every API answer:
/// <list type="bullet">
/// <item>HTML: a Content-Security-Policy that allows only our own script and stylesheet (merchant logos may
/// come from anywhere), <c>frame-ancestors 'none'</c>, nosniff, no Referer (a link's token in the address
/// bar never leaks) and <c>no-store</c> (pages are personal or behind a capability URL).</item>
/// <item>API JSON: <c>Cache-Control: no-store</c>.</item>
/// <item>Form posts from another site are refused (403) by <c>Sec-Fetch-Site</c>, or <c>Origin</c> where a
/// browser sends no fetch metadata, on top of the antiforgery token.</item>
/// <item>When the public base URLs are https, pages are only served over https (directly or from a trusted
/// proxy, see <see cref="ProxySetup"/>): a plain-http request gets a 400 explaining so, never a 500.</item>
/// </list>
/// </summary>
public static class PageSecurity
{
    /// <summary>
    /// What antiforgery sets on any response that carries a token. A page that sets its own no-cache header
    /// sets this one, since antiforgery logs a warning each time it replaces a value without <c>no-cache</c>.
    /// </summary>
    public const string NoCacheNoStore = "no-cache, no-store";

    public const string Policy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>The policy for a page whose form may end in a redirect elsewhere (checkout's <c>return_url</c>).</summary>
    public static string PolicyAllowingFormTarget(Uri target) =>
        Policy.Replace("form-action 'self'", $"form-action 'self' {target.GetLeftPart(UriPartial.Authority)}", StringComparison.Ordinal);

    /// <summary>
    /// The headers every answer gets, set in one callback when it starts (so an error answer written later by the
    /// exception handler or a status page carries them too): the request id (<see cref="RequestIds"/>) and the
    /// policy for its content type. Runs first in the pipeline.
    /// </summary>
    public static IApplicationBuilder UseResponseHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(SetResponseHeaders, context);
        return next(context);
    });

    private static readonly Func<object, Task> SetResponseHeaders = static state =>
    {
        var context = (HttpContext)state;
        RequestIds.Stamp(context);
        var headers = context.Response.Headers;
        var type = context.Response.ContentType ?? "";
        if (type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = Policy;
            }
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
        }
        else if (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            headers.CacheControl = "no-store";
            headers.XContentTypeOptions = "nosniff";
        }
        return Task.CompletedTask;
    };

    /// <summary>The https-only rule for pages and the refusal of cross-site form posts; after routing (it needs the endpoint).</summary>
    public static IApplicationBuilder UsePageSecurity(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>() is not null && !context.Request.IsHttps && RequiresHttps(context))
        {
            return Refuse(context, StatusCodes.Status400BadRequest,
                "This page is served over https only. Behind a TLS-terminating proxy, list the proxy in ForwardedHeaders:KnownProxies.");
        }
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType && IsCrossSite(context))
        {
            return Refuse(context, StatusCodes.Status403Forbidden, "Cross-site form posts are refused.");
        }
        return next(context);
    });

    private static Task Refuse(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsync(reason);
    }

    /// <summary>Whether pages need https: when a public base URL is https (anything but an http loopback base).</summary>
    public static bool RequiresHttps(PublicUrlOptions urls) => new[] { urls.Live, urls.Test }.Any(url => Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && !(uri.Scheme == Uri.UriSchemeHttp && Features.Portal.ReturnUrl.IsLoopback(uri.Host)));

    private static bool RequiresHttps(HttpContext context) =>
        RequiresHttps(context.RequestServices.GetRequiredService<IOptions<PublicUrlOptions>>().Value);

    /// <summary>
    /// A browser says where a request comes from: <c>Sec-Fetch-Site</c> (same-origin, or none for a typed
    /// address) or, in older browsers, <c>Origin</c>. Clients that send neither (scripts, tests) are not browsers
    /// acting for a victim, and the antiforgery token still applies to them.
    /// </summary>
    private static bool IsCrossSite(HttpContext context)
    {
        var site = context.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is not ("same-origin" or "none");
        }
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }
        var own = $"{context.Request.Scheme}://{context.Request.Host}";
        var urls = context.RequestServices.GetRequiredService<IOptions<PublicUrlOptions>>().Value;
        return !new[] { own, urls.Live, urls.Test }.Any(allowed =>
            Uri.TryCreate(allowed, UriKind.Absolute, out var uri) && string.Equals(uri.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase));
    }
}
