using System.Reflection;

namespace Clientele.Features.Dashboard.Shell;

/// <summary>The dashboard's stylesheet (on top of the portal's), embedded so it ships with the binary.</summary>
public static class DashboardAssets
{
    public const string StylesheetPath = "/assets/dashboard.css";

    private static readonly string Css = Read("dashboard.css");

    public static IEndpointRouteBuilder MapDashboardAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet(StylesheetPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(Css, "text/css; charset=utf-8");
        }).ExcludeFromDescription();
        return app;
    }

    private static string Read(string name)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("Dashboard.Assets." + name, StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
        return reader.ReadToEnd();
    }
}
