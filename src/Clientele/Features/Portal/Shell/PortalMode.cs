using Clientele.Platform;
using Clientele.Primitives;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Portal.Shell;

/// <summary>
/// Which mode a portal request is in, decided by the configured public base URLs: the test base is
/// either its own host (every portal path on it is test mode) or a path prefix such as <c>/test</c>,
/// which is moved into PathBase so that pages and the links they generate are the same in both modes.
/// </summary>
public static class PortalMode
{
    private static readonly object ItemKey = new();

    /// <summary>The pages that exist in both modes; the unified portal's front door is the base itself.</summary>
    private static readonly string[] PortalPrefixes = ["/login", "/link", "/session", "/language", "/signed-out", "/unified", "/businesses"];

    public static Mode Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var mode) && mode is Mode m ? m : Mode.Live;

    public static IApplicationBuilder UsePortalMode(this IApplicationBuilder app)
    {
        // The public base URLs are fixed for the life of the process: parsed once here, not on every request.
        var urls = app.ApplicationServices.GetRequiredService<IOptions<PublicUrlOptions>>().Value;
        var live = new Uri(urls.BaseFor(Mode.Live));
        var test = new Uri(urls.BaseFor(Mode.Test));
        var testPath = test.AbsolutePath.TrimEnd('/');
        var separateTestHost = !string.Equals(test.Authority, live.Authority, StringComparison.OrdinalIgnoreCase);
        var testHost = separateTestHost ? test.Authority : null;
        return app.Use((context, next) => RouteAsync(context, next, testHost, testPath));
    }

    /// <param name="testHost">The test base's own host, or null when it shares the live one.</param>
    private static Task RouteAsync(HttpContext context, RequestDelegate next, string? testHost, string testPath)
    {
        if (testHost is not null && string.Equals(context.Request.Host.Value, testHost, StringComparison.OrdinalIgnoreCase))
        {
            context.Items[ItemKey] = Mode.Test;
        }
        if (testPath.Length > 0 && context.Request.Path.StartsWithSegments(testPath, StringComparison.OrdinalIgnoreCase, out var matched, out var rest)
            && (rest is { HasValue: false } || rest == "/" || PortalPrefixes.Any(prefix => rest.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))))
        {
            context.Items[ItemKey] = Mode.Test;
            return UnderTestBaseAsync(context, next, matched, rest);
        }
        return next(context);
    }

    /// <summary>Serves a test-mode portal path with the test prefix moved into PathBase, then puts the path back.</summary>
    private static async Task UnderTestBaseAsync(HttpContext context, RequestDelegate next, PathString matched, PathString rest)
    {
        var originalBase = context.Request.PathBase;
        context.Request.PathBase = originalBase.Add(matched);
        context.Request.Path = rest.HasValue ? rest : "/";
        try
        {
            await next(context);
        }
        finally
        {
            context.Request.PathBase = originalBase;
            context.Request.Path = matched.Add(rest);
        }
    }
}
