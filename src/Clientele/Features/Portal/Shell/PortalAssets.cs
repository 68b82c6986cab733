using System.Reflection;

namespace Clientele.Features.Portal.Shell;

/// <summary>The portal's stylesheet and script, embedded in the assembly so they ship with the binary whatever the content root.</summary>
public static class PortalAssets
{
    public const string StylesheetPath = "/assets/portal.css";
    public const string ScriptPath = "/assets/portal.js";

    private static readonly string Css = Read("portal.css");
    private static readonly string Js = Read("portal.js");

    public static IEndpointRouteBuilder MapPortalAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet(StylesheetPath, (HttpContext context) => Serve(context, Css, "text/css; charset=utf-8")).ExcludeFromDescription();
        app.MapGet(ScriptPath, (HttpContext context) => Serve(context, Js, "text/javascript; charset=utf-8")).ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpContext context, string content, string contentType)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Text(content, contentType);
    }

    private static string Read(string name)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("Portal.Assets." + name, StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
        return reader.ReadToEnd();
    }
}
