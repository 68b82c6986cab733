using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Clientele.Platform.Hosting;

/// <summary>Razor Pages and localisation for the pages customers see (hosted payment page, receipts).</summary>
public static class HostedPages
{
    /// <summary>English first (the fallback); the portal's languages follow.</summary>
    public static readonly string[] Cultures = ["en", "pt-BR", "es", "it", "id"];

    public static RequestLocalizationOptions Localization { get; } = CreateLocalization();

    public static IHostApplicationBuilder AddHostedPages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddLocalization();
        // Write accented and non-Latin text as is (UTF-8) instead of &#x…; entities.
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddRazorPages(options =>
        {
            // Test mode's public base URL is {live}/test, so its links reach the same pages under /test.
            options.Conventions.AddPageRoute("/Checkout/Pay", "test/checkout/{sessionId}");
            options.Conventions.AddPageRoute("/Checkout/Receipt", "test/checkout/{sessionId}/receipt");
        });
        return builder;
    }

    private static RequestLocalizationOptions CreateLocalization()
    {
        var cultures = Cultures.Select(c => new CultureInfo(c)).ToList();
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture("en"),
            SupportedCultures = cultures,
            SupportedUICultures = cultures,
            FallBackToParentCultures = true,
            FallBackToParentUICultures = true,
        };
        // ?culture=pt-BR, then the cookie, then Accept-Language (the defaults, in that order).
        return options;
    }
}
