using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Dashboard;

/// <summary>The dashboard speaks the portal's five languages, every string in each.</summary>
public sealed partial class DashboardLocalizationTests(AppFixture app)
{
    private static string Folder => Path.Combine(TestSettings.RepositoryRoot, "src", "Clientele", "Features", "Dashboard", "Localization");

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Folder, file)).Root!.Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [Fact]
    public void Every_language_translates_every_dashboard_string_with_the_same_placeholders()
    {
        var english = Read("DashboardText.resx");
        var files = Directory.GetFiles(Folder, "DashboardText.*.resx").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["DashboardText.es.resx", "DashboardText.id.resx", "DashboardText.it.resx", "DashboardText.pt-BR.resx"], files);
        foreach (var file in files)
        {
            var translated = Read(file!);
            Assert.Equal(english.Keys.Order(), translated.Keys.Order());
            foreach (var (key, value) in english)
            {
                Assert.False(string.IsNullOrWhiteSpace(translated[key]), $"{file}: {key} is empty");
                Assert.Equal(Placeholders(value), Placeholders(translated[key]));
            }
        }
    }

    [Fact]
    public async Task Pages_follow_the_language_chosen()
    {
        var business = await app.CreateBusinessAsync("Idioma Co");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _client = client;
        var page = await client.GetAsync("/dashboard/team?culture=pt-BR");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Equipe de Idioma Co", page.Text, StringComparison.Ordinal);
        Assert.Contains("Modo de teste", page.Text, StringComparison.Ordinal);
    }

    private static List<string> Placeholders(string text) => [.. PlaceholderPattern().Matches(text).Select(m => m.Value).Order()];

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex PlaceholderPattern();
}
