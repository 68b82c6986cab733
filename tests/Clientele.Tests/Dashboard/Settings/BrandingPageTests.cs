using System.Net;
using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Portal;

namespace Clientele.Tests.Dashboard.Settings;

/// <summary>The Branding page over HTTP: every refusal names its field and writes nothing; an uploaded logo reaches the portal and is served safely.</summary>
public sealed partial class BrandingPageTests(AppFixture app)
{
    private const string Page = "/dashboard/settings/branding";

    [Fact]
    public async Task Bad_values_are_refused_next_to_their_field_and_nothing_is_written()
    {
        var business = await app.CreateBusinessAsync("Careful Brand Co");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Admin);
        using var _client = client;

        var cases = new (Dictionary<string, string> Fields, string Field, string Message)[]
        {
            (SettingsTestData.BrandingFields("New Name", accent: "#12345g"), "brand-accent", "Enter a colour as # and six hex digits"),
            (SettingsTestData.BrandingFields("New Name", accent: "#ffff00"), "brand-accent", "Contrast against white is below 3:1"),
            (SettingsTestData.BrandingFields("New Name", privacy: "http://example.com/privacy"), "brand-privacy", "Enter an absolute https address"),
            (SettingsTestData.BrandingFields("New Name", terms: "/terms"), "brand-terms", "Enter an absolute https address"),
            (SettingsTestData.BrandingFields("New Name", email: "not-an-address"), "brand-email", "Enter an address such as support@example.com"),
            (SettingsTestData.BrandingFields(" "), "brand-name", "Enter the business name"),
        };
        foreach (var (fields, field, message) in cases)
        {
            await client.GetAsync(Page);
            var refused = await client.PostFormAsync(Page, fields);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
            Assert.Matches($"id=\"{field}-error\" class=\"error\">{Regex.Escape(message)}", refused.Text);
            Assert.Contains($"id=\"{field}\"", refused.Html, StringComparison.Ordinal);
            Assert.Matches($"id=\"{field}\"[^>]*aria-invalid=\"true\"", refused.Html);
        }

        var logos = new (byte[] File, string Name, string Type, string Message)[]
        {
            (SettingsTestData.Svg(new string(' ', 600 * 1024)), "big.svg", "image/svg+xml", "The file is larger than 512 KB."),
            (SettingsTestData.Svg("<script>alert(1)</script>"), "script.svg", "image/svg+xml", "This SVG contains scripts"),
            (SettingsTestData.Svg("<circle r=\"5\" onload=\"alert(1)\"/>"), "handler.svg", "image/svg+xml", "This SVG contains scripts"),
            (SettingsTestData.Svg("<image href=\"https://tracker.example.com/x.png\"/>"), "external.svg", "image/svg+xml", "This SVG contains scripts"),
            (SettingsTestData.Svg("<foreignObject><p xmlns=\"http://www.w3.org/1999/xhtml\">hi</p></foreignObject>"), "foreign.svg", "image/svg+xml", "This SVG contains scripts"),
            (SettingsTestData.Svg("<rect style=\"fill:url(https://tracker.example.com/p)\"/>"), "css.svg", "image/svg+xml", "This SVG contains scripts"),
            ("GIF89a\u0001\u0000\u0001\u0000"u8.ToArray(), "logo.png", "image/png", "The file is not a PNG, JPEG or SVG image."),
            ([.. "<html><body>hi</body></html>"u8], "logo.svg", "image/svg+xml", "This SVG contains scripts"),
        };
        foreach (var (file, name, type, message) in logos)
        {
            await client.GetAsync(Page);
            var refused = await client.PostMultipartAsync(Page, SettingsTestData.BrandingFields("New Name", accent: "#0f766e"), "Logo", name, file, type);
            Assert.True(refused.Status == HttpStatusCode.UnprocessableEntity, $"{name}: {refused.Status}");
            Assert.Matches($"id=\"brand-logo-error\" class=\"error\">{Regex.Escape(message)}", refused.Text);
        }

        var row = await SettingsTestData.QueryAsync<(string Name, string? Accent, string? Logo)>(
            "SELECT name, accent_color, logo_url FROM businesses WHERE id = @id", new { id = business.Id });
        Assert.Equal(("Careful Brand Co", (string?)null, (string?)null), row.Single());
        Assert.Equal(0L, await SettingsTestData.ScalarAsync<long>("SELECT count(*) FROM business_logos WHERE business_id = @id", new { id = business.Id }));
    }

    [Fact]
    public async Task A_colour_faint_on_dark_pages_is_saved_with_a_warning_naming_the_field()
    {
        var business = await app.CreateBusinessAsync("Dark Accent Co");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _client = client;
        await client.GetAsync(Page);
        var saved = await client.PostFormAsync(Page, SettingsTestData.BrandingFields("Dark Accent Co", accent: "#111111"));
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        var page = await client.GetAsync(saved.Location!);
        Assert.Contains("Branding saved.", page.Text, StringComparison.Ordinal);
        Assert.Contains("id=\"brand-accent-warning\" class=\"field-warning\">Accent colour: contrast against the dark background is below 3:1", page.Text, StringComparison.Ordinal);
        Assert.Equal("#111111", await SettingsTestData.ScalarAsync<string>("SELECT accent_color FROM businesses WHERE id = @id", new { id = business.Id }));
    }

    [Fact]
    public async Task An_uploaded_logo_and_the_links_show_in_the_portal_and_the_logo_is_served_with_safe_headers()
    {
        var business = await app.CreateBusinessAsync("Logo Portal Co");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _client = client;

        await client.GetAsync(Page);
        var saved = await client.PostMultipartAsync(Page, SettingsTestData.BrandingFields("Logo Portal Renamed", "#0f766e", "help@logo.example.com",
            "https://logo.example.com/privacy", "https://logo.example.com/terms"), "Logo", "logo.png", SettingsTestData.Png, "image/png");
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        var logoUrl = await SettingsTestData.ScalarAsync<string>("SELECT logo_url FROM businesses WHERE id = @id", new { id = business.Id });
        Assert.Matches($"^/brand/{business.Id}/logo/[0-9a-f]{{20}}$", logoUrl);

        // The dashboard's preview shows what was saved.
        var settings = await client.GetAsync(Page);
        Assert.Contains($"src=\"{logoUrl}\"", settings.Html, StringComparison.Ordinal);
        Assert.Contains("--accent: #0f766e", settings.Html, StringComparison.Ordinal);

        // The customer's portal (test mode) and the public sign-in page (live) show the logo, name and links.
        var (portal, _, _) = await PortalTestData.SignedInAsync(app, business.Test);
        using var _portal = portal;
        var overview = await portal.GetAsync("/test/session/overview");
        Assert.Equal(HttpStatusCode.OK, overview.Status);
        foreach (var html in new[] { overview.Html, (await new PortalClient(app.BaseAddress).GetAsync($"/login/{business.Id}")).Html })
        {
            Assert.Contains($"<img src=\"{logoUrl}\"", html, StringComparison.Ordinal);
            Assert.Contains("Logo Portal Renamed", html, StringComparison.Ordinal);
            Assert.Contains("href=\"https://logo.example.com/privacy\"", html, StringComparison.Ordinal);
            Assert.Contains("href=\"https://logo.example.com/terms\"", html, StringComparison.Ordinal);
        }

        using var anonymous = app.CreateAnonymousClient();
        using (var png = await anonymous.GetAsync(logoUrl))
        {
            Assert.Equal(HttpStatusCode.OK, png.StatusCode);
            Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
            Assert.Equal("nosniff", png.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Contains("immutable", png.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
            Assert.Equal(SettingsTestData.Png, await png.Content.ReadAsByteArrayAsync());
        }

        // A new (SVG) logo is a new URL with a policy that lets nothing in it run; the old URL is gone.
        await client.GetAsync(Page);
        await client.PostMultipartAsync(Page, SettingsTestData.BrandingFields("Logo Portal Renamed", "#0f766e"), "Logo", "logo.svg", SettingsTestData.Svg(), "image/svg+xml");
        var svgUrl = await SettingsTestData.ScalarAsync<string>("SELECT logo_url FROM businesses WHERE id = @id", new { id = business.Id });
        Assert.NotEqual(logoUrl, svgUrl);
        using (var svg = await anonymous.GetAsync(svgUrl))
        {
            Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType!.MediaType);
            Assert.Equal("default-src 'none'; style-src 'unsafe-inline'", svg.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", svg.Headers.GetValues("X-Content-Type-Options").Single());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(logoUrl)).StatusCode);
        // The links were cleared by the second save (empty fields).
        Assert.Null(await SettingsTestData.ScalarAsync<string?>("SELECT privacy_url FROM businesses WHERE id = @id", new { id = business.Id }));

        // Removing the logo: the portal falls back to the initial.
        await client.GetAsync(Page);
        var removed = await client.PostFormAsync(Page, new Dictionary<string, string>(SettingsTestData.BrandingFields("Logo Portal Renamed")) { ["RemoveLogo"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, removed.Status);
        Assert.Null(await SettingsTestData.ScalarAsync<string?>("SELECT logo_url FROM businesses WHERE id = @id", new { id = business.Id }));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(svgUrl)).StatusCode);
        Assert.DoesNotContain("<img src=\"/brand/", (await portal.GetAsync("/test/session/overview")).Html, StringComparison.Ordinal);
    }
}
