using System.Collections.Concurrent;

namespace Clientele.Platform.Hosting;

/// <summary>
/// The address of a Razor Page that takes no route values, asked of the app's routes once and kept. The links on
/// every view (the portal's navigation and section headings, its logout form) then cost a string join each instead
/// of a pass through the link generator (about 7 % of a portal page's CPU went there). The request's PathBase (the
/// app's own base, and the portal's <c>/test</c> prefix) is put in front each time, as the anchor tag helper does.
/// </summary>
public sealed class PageLinks(LinkGenerator links)
{
    private readonly ConcurrentDictionary<string, string> paths = new(StringComparer.Ordinal);

    /// <summary>The path of <paramref name="page"/> (e.g. <c>/Portal/Session/Overview</c>) under this request's base.</summary>
    public string For(HttpContext context, string page) =>
        context.Request.PathBase.ToUriComponent() + paths.GetOrAdd(page, static (name, links) =>
            links.GetPathByPage(name, handler: null, values: null) ?? throw new InvalidOperationException($"No route leads to the page {name}."), links);
}
