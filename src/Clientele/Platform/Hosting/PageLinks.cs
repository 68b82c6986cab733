using System.Collections.Concurrent;
using System.Text.Encodings.Web;

namespace Clientele.Platform.Hosting;

/// <summary>
/// The address of a Razor Page, asked of the app's routes once and kept. The links on every view (the portal's
/// navigation and section headings, its logout form, a subscription's link in a list) then cost a string join each
/// instead of a pass through the link generator (about 7 % of a portal page's CPU went there). The request's PathBase
/// (the app's own base, and the portal's <c>/test</c> prefix) is put in front each time, as the anchor tag helper does.
/// A page with one route value keeps its path with a marker where the value goes; the value is URL-encoded as the
/// link generator encodes it.
/// </summary>
public sealed class PageLinks(LinkGenerator links)
{
    private const string Marker = "pagelinksvalue";

    private readonly ConcurrentDictionary<string, string> paths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Page, string Name), string> templates = new();

    /// <summary>The path of <paramref name="page"/> (e.g. <c>/Portal/Session/Overview</c>) under this request's base.</summary>
    public string For(HttpContext context, string page) =>
        context.Request.PathBase.ToUriComponent() + paths.GetOrAdd(page, static (name, links) =>
            links.GetPathByPage(name, handler: null, values: null) ?? throw new InvalidOperationException($"No route leads to the page {name}."), links);

    /// <summary>The path of <paramref name="page"/> with its route value <paramref name="name"/> (e.g. <c>id</c>) set to <paramref name="value"/>.</summary>
    public string For(HttpContext context, string page, string name, string value)
    {
        var template = templates.GetOrAdd((page, name), static (key, links) =>
        {
            var path = links.GetPathByPage(key.Page, handler: null, values: new RouteValueDictionary { [key.Name] = Marker })
                ?? throw new InvalidOperationException($"No route leads to the page {key.Page} with {key.Name}.");
            return path.Contains(Marker, StringComparison.Ordinal) && path.IndexOf('?', StringComparison.Ordinal) < 0
                ? path
                : throw new InvalidOperationException($"{key.Name} is not a route value of the page {key.Page}.");
        }, links);
        return context.Request.PathBase.ToUriComponent() + template.Replace(Marker, UrlEncoder.Default.Encode(value), StringComparison.Ordinal);
    }
}
