using Clientele.Features.Dashboard.Access;
using Clientele.Features.Dashboard.CustomerDetail;
using Clientele.Features.Dashboard.Settings;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.Dashboard.Team;
using Clientele.Features.Dashboard.TwoFactor;
using Clientele.Platform.Hosting;

namespace Clientele.Features.Dashboard;

public static class DashboardServices
{
    /// <summary>The merchant dashboard's services; its pages are mapped with every other Razor Page, its stylesheet by <see cref="MapClienteleDashboard"/>.</summary>
    public static IHostApplicationBuilder AddClienteleDashboard(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DashboardOptions, DashboardOptionsValidator>(DashboardOptions.Section);
        builder.Services.AddSingleton<DashboardLinks>();
        builder.Services.AddSingleton<DashboardSessionStore>();
        builder.Services.AddSingleton<DashboardEmails>();
        builder.Services.AddSingleton<DashboardSignIn>();
        builder.Services.AddSingleton<TotpSecrets>();
        builder.Services.AddSingleton<TwoFactorOperations>();
        builder.Services.AddSingleton<DashboardTeam>();
        builder.Services.AddCustomerDetail();
        builder.Services.AddSingleton<PortalBranding>();
        builder.Services.AddSingleton<WebhookDeliveryLog>();
        return builder;
    }

    public static WebApplication MapClienteleDashboard(this WebApplication app)
    {
        app.MapDashboardAssets();
        app.MapBrandLogos();
        return app;
    }
}
