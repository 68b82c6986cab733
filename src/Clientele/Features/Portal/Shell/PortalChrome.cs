using Clientele.Features.Portal.Localization;
using Clientele.Features.Portal.Sessions;
using Clientele.Primitives;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;

namespace Clientele.Features.Portal.Shell;

/// <summary>
/// The small fixed pieces of every portal page's frame: the brand, the test-mode banner and the brand's links.
/// They were partial views; each partial costs a view lookup, a page activation and a buffer on every page, and
/// under the portal bench the layouts' five partials took about a tenth of a page view's CPU. Text goes through
/// <see cref="HtmlContentBuilder.Append"/>, which HTML-encodes it (attribute values included).
/// </summary>
public static class PortalChrome
{
    /// <summary>The business's logo (or initial) and name; the product's own name on pages of no business.</summary>
    public static IHtmlContent Brand(PortalBrand? brand, IStringLocalizer<PortalText> t)
    {
        var html = new HtmlContentBuilder();
        if (brand is null)
        {
            return html.AppendHtml("<span class=\"brand\"><span class=\"initial\" aria-hidden=\"true\">C</span>").Append(t["PortalTitle"]).AppendHtml("</span>");
        }
        html.AppendHtml("<span class=\"brand\">");
        if (LogoSource(brand.LogoUrl) is { } logo)
        {
            html.AppendHtml("<img src=\"").Append(logo).AppendHtml("\" alt=\"\" width=\"36\" height=\"36\">");
        }
        else
        {
            html.AppendHtml("<span class=\"initial\" aria-hidden=\"true\">").Append(brand.Name[..1].ToUpperInvariant()).AppendHtml("</span>");
        }
        return html.Append(brand.Name).AppendHtml("</span>");
    }

    /// <summary>
    /// Where the logo is shown from: a logo uploaded in the dashboard is served by this server (a path); one set
    /// elsewhere is an absolute http(s) URL. Anything else (another scheme, a protocol-relative URL) shows the initial.
    /// </summary>
    internal static string? LogoSource(string? logoUrl)
    {
        if (string.IsNullOrEmpty(logoUrl))
        {
            return null;
        }
        if (logoUrl.StartsWith('/') && !logoUrl.StartsWith("//", StringComparison.Ordinal))
        {
            return logoUrl;
        }
        return Uri.TryCreate(logoUrl, UriKind.Absolute, out var logo) && (logo.Scheme == Uri.UriSchemeHttps || logo.Scheme == Uri.UriSchemeHttp) ? logo.AbsoluteUri : null;
    }

    /// <summary>Says so on every page of the test portal.</summary>
    public static IHtmlContent TestBanner(HttpContext context, IStringLocalizer<PortalText> t) => PortalMode.Of(context) != Mode.Test
        ? HtmlString.Empty
        : new HtmlContentBuilder().AppendHtml("<aside class=\"test-banner\" aria-label=\"").Append(t["TestModeLabel"]).AppendHtml("\">")
            .Append(t["TestModeBanner"]).AppendHtml("</aside>");

    /// <summary>The business's privacy and terms links, set on the dashboard's Branding page.</summary>
    public static IHtmlContent BrandLinks(PortalBrand? brand, IStringLocalizer<PortalText> t)
    {
        if (brand is null || (brand.PrivacyUrl is null && brand.TermsUrl is null))
        {
            return HtmlString.Empty;
        }
        var html = new HtmlContentBuilder().AppendHtml("<footer class=\"brand-links\"><ul>");
        if (brand.PrivacyUrl is { } privacy)
        {
            html.AppendHtml("<li><a href=\"").Append(privacy).AppendHtml("\" rel=\"noopener\">").Append(t["SetPrivacyPolicy"]).AppendHtml("</a></li>");
        }
        if (brand.TermsUrl is { } terms)
        {
            html.AppendHtml("<li><a href=\"").Append(terms).AppendHtml("\" rel=\"noopener\">").Append(t["SetTermsOfService"]).AppendHtml("</a></li>");
        }
        return html.AppendHtml("</ul></footer>");
    }
}
