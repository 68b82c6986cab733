using System.Net;
using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Platform;

public sealed partial class ApiReferenceTests(AppFixture app)
{
    [Fact]
    public async Task The_api_reference_page_is_served_with_its_script_from_this_server_and_points_at_our_document()
    {
        using var client = app.CreateAnonymousClient();
        var html = await client.GetStringAsync("/scalar/", TestContext.Current.CancellationToken);
        Assert.Contains("Clientele API", html, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var src in scripts)
        {
            // Nothing from a CDN: the page must work on a machine that reaches only its own server.
            Assert.DoesNotMatch("^(https?:)?//", src);
            using var script = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, "/scalar/"), src), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        }
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
