using Clientele.Features.Portal.Access;
using Clientele.Features.Portal.Localization;
using Clientele.Features.Portal.Profile;
using Clientele.Features.Portal.Sessions;
using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Unified;
using Clientele.Platform;
using Clientele.Platform.Hosting;
using Clientele.Platform.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Portal;

public static class PortalServices
{
    public static IHostApplicationBuilder AddClientelePortal(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<PortalOptions, PortalOptionsValidator>(PortalOptions.Section);
        builder.Services.AddPortalLocalization();
        builder.Services.AddRazorPages();
        builder.Services.AddSingleton<IConfigureOptions<AntiforgeryOptions>, ConfigureAntiforgery>();

        builder.Services.AddSingleton<RateLimiter>();
        builder.Services.AddSingleton<PortalLinkStore>();
        builder.Services.AddSingleton<PortalSessionStore>();
        builder.Services.AddSingleton<PortalEmails>();
        builder.Services.AddSingleton<PortalAccess>();
        builder.Services.AddSingleton<ProfileOperations>();
        builder.Services.AddSingleton<InvoiceDetailsStore>();
        builder.Services.AddSingleton<Subscriptions.PortalSubscriptions>();
        builder.Services.AddSingleton<Billing.PortalBilling>();
        builder.Services.AddSingleton<PaymentMethods.PortalPaymentMethods>();
        builder.Services.AddSingleton<LicenseKeys.PortalLicenseKeys>();
        builder.Services.AddSingleton<Subscriptions.PortalPlans>();
        builder.Services.AddSingleton<Subscriptions.PortalResubscribe>();
        builder.Services.AddSingleton<Overview.PortalOverview>();
        builder.Services.AddSingleton<UnifiedPortal>();
        builder.Services.AddSingleton<UnifiedAccounts>();
        builder.Services.AddHostedService<PortalMaintenance>();
        builder.Services.AddSingleton<Platform.Hosting.BackgroundWork>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Platform.Hosting.BackgroundWork>());
        return builder;
    }

    /// <summary>
    /// What every page a person sees needs around it (portal, dashboard, hosted payment page, an address typed in a
    /// browser): one localisation (see PortalCultures), a page in their language for a bodyless 4xx/5xx, and for a
    /// page that fails. After routing, so that calls with an API key, which answer JSON in English, skip it.
    /// </summary>
    public static IApplicationBuilder UsePageFrame(this IApplicationBuilder app)
    {
        app.UseRequestLocalization();
        app.UseSpecificFormattingCulture();
        app.UseBrowserStatusPages();
        app.UsePortalErrorPage();
        return app;
    }

    /// <summary>The portal's assets and API; its pages are mapped with every other Razor Page (MapRazorPages).</summary>
    public static WebApplication MapClientelePortal(this WebApplication app)
    {
        app.MapPortalAssets();
        app.MapPortalApi();
        return app;
    }

    /// <summary>
    /// The antiforgery cookie follows the session cookie's rule: <c>__Host-</c> and Secure when the
    /// public base URLs are https, a plain name on an http loopback base (browsers refuse the prefix there).
    /// </summary>
    private sealed class ConfigureAntiforgery(IOptions<PublicUrlOptions> urls) : IConfigureOptions<AntiforgeryOptions>
    {
        public void Configure(AntiforgeryOptions options)
        {
            var secure = Platform.Hosting.PageSecurity.RequiresHttps(urls.Value);
            options.Cookie.Name = secure ? "__Host-clientele_csrf" : "clientele_csrf";
            options.Cookie.SecurePolicy = secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
            options.Cookie.Path = "/";
        }
    }
}
