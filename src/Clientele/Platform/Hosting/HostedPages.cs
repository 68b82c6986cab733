namespace Clientele.Platform.Hosting;

/// <summary>
/// Razor Pages for the pages customers see (hosted payment page, receipts). Their languages are the
/// portal's (one request-localisation setup for all: <c>Features/Portal/Localization/PortalCultures</c>).
/// </summary>
public static class HostedPages
{
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
        builder.Services.AddSingleton<PageLinks>();
        return builder;
    }
}
