using System.Net;
using System.Xml.Linq;
using Clientele.Features.Portal.Localization;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Portal;

public sealed class LocalizationTests(AppFixture app)
{
    private static string Folder => Path.Combine(TestSettings.RepositoryRoot, "src", "Clientele", "Features", "Portal", "Localization");

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Folder, file)).Root!.Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [Fact]
    public void Every_language_translates_every_string_with_the_same_placeholders()
    {
        var english = Read("PortalText.resx");
        var files = Directory.GetFiles(Folder, "PortalText.*.resx").Select(Path.GetFileName).ToList();
        Assert.Equal(["PortalText.es.resx", "PortalText.id.resx", "PortalText.it.resx", "PortalText.pt-BR.resx"], files.Order().ToList());
        foreach (var file in files)
        {
            var translated = Read(file!);
            Assert.Equal(english.Keys.Order(), translated.Keys.Order());
            foreach (var (key, value) in english)
            {
                Assert.False(string.IsNullOrWhiteSpace(translated[key]), $"{file}: {key} is empty");
                Assert.True(Placeholders(value).SetEquals(Placeholders(translated[key])), $"{file}: {key} has other placeholders than English");
            }
        }
    }

    [Fact]
    public void The_languages_are_found_from_the_resource_files()
    {
        Assert.Equal(["en", "es", "id", "it", "pt-BR"], PortalCultures.Supported.Select(c => c.Name));
        Assert.Equal("pt-BR", PortalCultures.Resolve("pt").Name);
        Assert.Equal("en", PortalCultures.Resolve("fr").Name);
    }

    [Fact]
    public async Task The_switcher_remembers_the_choice_in_a_cookie()
    {
        var business = await app.CreateBusinessAsync("Lingua Co");
        using var client = new PortalClient(app.BaseAddress, acceptLanguage: "en-US");
        await client.GetAsync($"/test/login/{business.Id}");
        var switched = await client.PostFormAsync("/test/language", new Dictionary<string, string> { ["culture"] = "it", ["returnUrl"] = $"/test/login/{business.Id}" });
        Assert.Equal(HttpStatusCode.Redirect, switched.Status);
        Assert.Equal($"/test/login/{business.Id}", switched.Location);
        Assert.Contains(switched.SetCookies, c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal) && c.Contains("max-age=31536000", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Accedi a Lingua Co", (await client.GetAsync($"/test/login/{business.Id}")).Text, StringComparison.Ordinal);

        // Only local return addresses are followed.
        await client.GetAsync($"/test/login/{business.Id}");
        var offsite = await client.PostFormAsync("/test/language", new Dictionary<string, string> { ["culture"] = "es", ["returnUrl"] = "https://evil.example.com/" });
        Assert.Equal("/", offsite.Location);
    }

    [Fact]
    public async Task The_chosen_language_applies_to_the_shell_and_to_later_emails()
    {
        var business = await app.CreateBusinessAsync("Loja Azul");
        var (client, id, email) = await PortalTestData.SignedInAsync(app, business.Test);
        using var _client = client;
        await client.GetAsync("/test/session/overview");
        await client.PostFormAsync("/test/language", new Dictionary<string, string> { ["culture"] = "pt-BR", ["returnUrl"] = "/test/session/overview" });
        var page = await client.GetAsync("/test/session/overview");
        Assert.Contains("lang=\"pt-BR\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("Visão geral", page.Text, StringComparison.Ordinal);
        Assert.Contains("Histórico de faturamento", page.Text, StringComparison.Ordinal);

        // Mail the merchant triggers later speaks the customer's portal language.
        await business.Test.PostJsonAsync($"/customers/{id}/customer-portal/session?send_email=true", "");
        var mail = await Mailbox.WaitForAsync(app, email);
        Assert.Equal("Seu link de acesso para Loja Azul", mail.Subject);
        Assert.Contains("expira em 24 horas", mail.TextBody, StringComparison.Ordinal);
    }

    private static HashSet<string> Placeholders(string text) =>
        [.. System.Text.RegularExpressions.Regex.Matches(text, @"\{\d+\}").Select(m => m.Value)];
}
