using System.Text.Encodings.Web;
using Clientele.Features.Portal.Localization;
using Clientele.Features.Portal.Sessions;
using Clientele.Features.Portal.Shell;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Clientele.Tests.Portal;

/// <summary>The portal frame's pieces written from code: what the partial views wrote, every text encoded.</summary>
public sealed class PortalChromeTests
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

    private static string Html(IHtmlContent content)
    {
        using var writer = new StringWriter();
        content.WriteTo(writer, HtmlEncoder.Default);
        return writer.ToString();
    }
}
