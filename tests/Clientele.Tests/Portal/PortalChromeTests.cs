using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Clientele.Features.Portal.Localization;
using Clientele.Features.Portal.Sessions;
using Clientele.Features.Portal.Shell;
using Clientele.Platform.Hosting;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Clientele.Tests.Portal;

/// <summary>The portal frame's pieces written from code: what the partial views wrote, every text encoded.</summary>
public sealed class PortalChromeTests(AppFixture app)
{
    private static readonly IStringLocalizer<PortalText> T = new StringLocalizer<PortalText>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    [Theory]
    [InlineData("/brand/bus_1/logo/0123456789abcdef0123", "/brand/bus_1/logo/0123456789abcdef0123")]
    [InlineData("https://cdn.example.com/logo.png", "https://cdn.example.com/logo.png")]
    [InlineData("http://cdn.example.com/a b.png", "http://cdn.example.com/a%20b.png")]
    [InlineData("//evil.example.com/logo.png", null)]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("data:image/png;base64,AAAA", null)]
    [InlineData("logo.png", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_logo_is_shown_from_this_server_or_an_http_address_only(string? logoUrl, string? shown) =>
        Assert.Equal(shown, PortalChrome.LogoSource(logoUrl));

    [Fact]
    public void The_brand_encodes_the_business_name_and_shows_its_initial_without_a_logo()
    {
        var html = Html(PortalChrome.Brand(new PortalBrand("bus_1", "<b>ad & co\"", null, null, null), T));
        Assert.Equal("<span class=\"brand\"><span class=\"initial\" aria-hidden=\"true\">&lt;</span>&lt;b&gt;ad &amp; co&quot;</span>", html);
    }

    [Fact]
    public void The_brand_shows_an_uploaded_logo_with_an_empty_alt_beside_the_name()
    {
        var html = Html(PortalChrome.Brand(new PortalBrand("bus_1", "Acme", "/brand/bus_1/logo/0123456789abcdef0123", null, null), T));
        Assert.Equal("<span class=\"brand\"><img src=\"/brand/bus_1/logo/0123456789abcdef0123\" alt=\"\" width=\"36\" height=\"36\">Acme</span>", html);
    }

    [Fact]
    public void The_brand_links_are_written_only_when_set_and_their_addresses_are_encoded()
    {
        Assert.Equal("", Html(PortalChrome.BrandLinks(new PortalBrand("bus_1", "Acme", null, null, null), T)));
        Assert.Equal("", Html(PortalChrome.BrandLinks(null, T)));
        var html = Html(PortalChrome.BrandLinks(new PortalBrand("bus_1", "Acme", null, null, null, PrivacyUrl: "https://acme.example.com/p?a=1&b=\"2\""), T));
        Assert.StartsWith("<footer class=\"brand-links\"><ul><li><a href=\"https://acme.example.com/p?a=1&amp;b=&quot;2&quot;\" rel=\"noopener\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("SetTermsOfService", html, StringComparison.Ordinal);
        Assert.EndsWith("</a></li></ul></footer>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_head_titles_the_page_with_the_site_encoded_and_styles_it_with_the_brand_accent()
    {
        var viewData = new ViewDataDictionary(new EmptyModelMetadataProvider(), new ModelStateDictionary())
        {
            ["Title"] = "Bills <&>",
            ["Brand"] = new PortalBrand("bus_1", "Acme \"Co\"", null, "#0f766e", null),
        };
        var html = Html(PortalChrome.Head(viewData, T));
        Assert.Contains("<title>Bills &lt;&amp;&gt; · Acme &quot;Co&quot;</title>", html, StringComparison.Ordinal);
        Assert.Contains("<style>:root { --accent: #0f766e;", html, StringComparison.Ordinal);
        Assert.Contains($"<link rel=\"stylesheet\" href=\"{PortalAssets.StylesheetPath}\">", html, StringComparison.Ordinal);
        Assert.Contains($"<script src=\"{PortalAssets.ScriptPath}\" defer></script>", html, StringComparison.Ordinal);
        Assert.Equal(1, html.Split("<link ").Length - 1);

        // A site name (the dashboard's) wins over the brand; an extra stylesheet follows the portal's.
        viewData["SiteName"] = "Dashboard";
        viewData["ExtraStylesheet"] = "/assets/dashboard.css";
        html = Html(PortalChrome.Head(viewData, T));
        Assert.Contains("<title>Bills &lt;&amp;&gt; · Dashboard</title>", html, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/assets/dashboard.css\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_language_form_selects_the_current_language_and_comes_back_to_the_encoded_address()
    {
        var links = app.Services.GetRequiredService<PageLinks>();
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Request.PathBase = "/test";
        context.Request.Path = "/session/wallets";
        context.Request.QueryString = new QueryString("?currency=USD&x=\"");
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("es");
        try
        {
            var html = Html(PortalChrome.LanguageSwitcher(context, links, new HtmlString("<input name=\"__RequestVerificationToken\" type=\"hidden\" value=\"t\">"), T));
            Assert.StartsWith("<form method=\"post\" action=\"/test/language\" class=\"inline-form\">", html, StringComparison.Ordinal);
            Assert.Contains("<option value=\"es\" lang=\"es\" selected=\"selected\">Español</option>", html, StringComparison.Ordinal);
            Assert.Contains("<option value=\"en\" lang=\"en\">English</option>", html, StringComparison.Ordinal);
            Assert.Equal(1, html.Split("selected=").Length - 1);
            Assert.Equal(PortalCultures.Supported.Count, html.Split("<option ").Length - 1);
            Assert.Contains("<input type=\"hidden\" name=\"returnUrl\" value=\"/test/session/wallets?currency=USD&amp;x=&quot;\">", html, StringComparison.Ordinal);
            Assert.Contains("<input name=\"__RequestVerificationToken\" type=\"hidden\" value=\"t\">", html, StringComparison.Ordinal);
            Assert.EndsWith("</button>\n</form>", html, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private static string Html(IHtmlContent content)
    {
        using var writer = new StringWriter();
        // The app's encoder (Platform/Hosting/HostedPages.cs): every script as it is, markup characters encoded.
        content.WriteTo(writer, HtmlEncoder.Create(UnicodeRanges.All));
        return writer.ToString();
    }
}
