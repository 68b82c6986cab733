using System.Globalization;
using Clientele.Features.Portal.Localization;
using Clientele.Features.Portal.Sessions;
using Clientele.Platform.Hosting;
using Clientele.Primitives;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Localization;

namespace Clientele.Features.Portal.Shell;

/// <summary>
/// The small fixed pieces of every page's frame (portal, dashboard): the head, the brand, the test-mode banner,
/// the language switcher and the brand's links. They were partial views; each partial costs a view lookup, a page
/// activation and a buffer on every page, and under the portal bench the layouts' partials took about a tenth of a
/// page view's CPU. Text goes through
/// <see cref="HtmlContentBuilder.Append"/>, which HTML-encodes it (attribute values included).
/// </summary>
public static class PortalChrome
{
    /// <summary>
    /// The inside of every page's <c>&lt;head&gt;</c>. From the view data: <c>Title</c> (the page), <c>SiteName</c>
    /// (else the business's name, else the product's), <c>Brand</c> (its accent colour), <c>ExtraStylesheet</c>.
    /// </summary>
    public static IHtmlContent Head(ViewDataDictionary viewData, IStringLocalizer<PortalText> t)
    {
        var brand = viewData["Brand"] as PortalBrand;
        var title = viewData["Title"]?.ToString();
        var site = viewData["SiteName"] as string ?? brand?.Name ?? t["PortalTitle"];
        var html = new HtmlContentBuilder().AppendHtml("""
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex, nofollow">
            <meta name="color-scheme" content="light dark">
            <title>
            """);
        if (title is not null)
        {
            html.Append(title).Append(" · ");
        }
        html.Append(site).AppendHtml("</title>\n<link rel=\"stylesheet\" href=\"").Append(PortalAssets.StylesheetPath).AppendHtml("\">\n");
        if (viewData["ExtraStylesheet"] is string extra)
        {
            html.AppendHtml("<link rel=\"stylesheet\" href=\"").Append(extra).AppendHtml("\">\n");
        }
        // BrandStyle only ever writes a validated colour, so its CSS goes out as it is.
        return html.AppendHtml("<style>:root { ").AppendHtml(BrandStyle.CssVariables(brand?.AccentColor)).AppendHtml(" }</style>\n<script src=\"")
            .Append(PortalAssets.ScriptPath).AppendHtml("\" defer></script>");
    }

    /// <summary>
    /// The language form: every supported language in its own name, the current one selected, and the address to come
    /// back to. <paramref name="antiforgeryToken"/> is the view's <c>Html.AntiForgeryToken()</c>.
    /// </summary>
    public static IHtmlContent LanguageSwitcher(HttpContext context, PageLinks links, IHtmlContent antiforgeryToken, IStringLocalizer<PortalText> t)
    {
        var current = CultureInfo.CurrentUICulture.Name;
        var request = context.Request;
        var here = request.PathBase + request.Path + request.QueryString;
        var html = new HtmlContentBuilder().AppendHtml("<form method=\"post\" action=\"").Append(links.For(context, "/Portal/Language"))
            .AppendHtml("\" class=\"inline-form\">\n<label for=\"language-select\" class=\"visually-hidden\">").Append(t["LanguageLabel"])
            .AppendHtml("</label>\n<select id=\"language-select\" name=\"culture\" data-submit-on-change>\n");
        foreach (var culture in PortalCultures.Supported)
        {
            html.AppendHtml("<option value=\"").Append(culture.Name).AppendHtml("\" lang=\"").Append(culture.Name)
                .AppendHtml(culture.Name == current ? "\" selected=\"selected\">" : "\">").Append(PortalCultures.NativeName(culture)).AppendHtml("</option>\n");
        }
        return html.AppendHtml("</select>\n<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(here).AppendHtml("\">\n")
            .AppendHtml(antiforgeryToken).AppendHtml("\n<button type=\"submit\">").Append(t["LanguageApply"]).AppendHtml("</button>\n</form>");
    }

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
