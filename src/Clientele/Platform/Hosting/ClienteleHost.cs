using Clientele.Features.Businesses;
using Clientele.Features.Catalog;
using Clientele.Features.Checkout;
using Clientele.Features.Customers;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Customers;
using Clientele.Features.Demo;
using Clientele.Features.Health;
using Clientele.Features.Invoices;
using Clientele.Features.LicenseKeys;
using Clientele.Features.Payments;
using Clientele.Features.Payments.Processor;
using Clientele.Features.Portal;
using Clientele.Features.Portal.Shell;
using Clientele.Features.Refunds;
using Clientele.Features.Subscriptions;
using Clientele.Features.Wallets;
using Clientele.Features.Webhooks;
using Clientele.Platform.Api;
using Clientele.Platform.Audit;
using Clientele.Platform.Auth;
using Clientele.Platform.Data;
using Clientele.Platform.Email;
using Clientele.Platform.Jobs;
using Clientele.Platform.Operations;
using Clientele.Platform.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Clientele.Platform.Hosting;

/// <summary>The whole composition: which services exist and which endpoints are mapped.</summary>
public static class ClienteleHost
{
    public static IHostApplicationBuilder AddClientele(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddClienteleData();
        builder.AddClienteleJobs();
        // Its start-up step runs after the migrations' and before Data Protection's (see FirstKey).
        builder.AddClienteleDataProtection();
        builder.Services.AddValidatedOptions<PublicUrlOptions, PublicUrlOptionsValidator>(PublicUrlOptions.Section);
        builder.Services.ConfigureHttpJsonOptions(options => ApiJson.Configure(options.SerializerOptions));
        builder.Services.AddOpenApi();

        builder.Services.AddSingleton<Audit.AuditLog>();
        builder.Services.AddSingleton<BusinessStore>();
        builder.Services.AddSingleton<CustomerStore>();
        builder.Services.AddSingleton<CreateCustomer>();
        builder.Services.AddSingleton<UpdateCustomer>();
        builder.Services.AddSingleton<DemoSeeder>();
        builder.AddWallets();
        builder.AddWebhooks();
        builder.AddCatalog();
        builder.AddPayments();
        builder.AddRefunds();
        builder.AddSubscriptions();
        builder.AddLicenseKeys();

        builder.AddClienteleEmail();
        builder.AddClientelePortal();
        builder.AddClienteleDashboard();
        builder.AddClienteleOperations();
        builder.AddDashboardCustomers();
        return builder;
    }

    public static WebApplication UseClientele(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseResponseHeaders();
        app.UseApiErrorHandling();
        app.UseRequestGuard();
        // Before routing: a test-mode portal path has its prefix moved into PathBase.
        app.UsePortalMode();
        app.UseRouting();
        app.UsePageSecurity();
        // Calls with an API key skip the layers only pages and browsers need (bench/README.md, "GET /customers/{id}").
        app.UseWhen(context => !ApiKeyAuthenticationExtensions.IsRequiredBy(context), pages => pages.UsePageFrame());
        app.UseApiKeyAuthentication();
        app.UseAuditTrail();
        if (app.Environment.IsDevelopment())
        {
            // The browsable API reference (Scalar; its script is served from the package, nothing from a CDN).
            app.UseApiReferencePage("/scalar");
            app.MapScalarApiReference("/scalar", options => options.WithTitle("Clientele API").WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts().DisableTelemetry().HideDeveloperTools().WithCustomCss(ApiReferencePage.ContrastCss));
        }
        return app;
    }

    public static WebApplication MapClientele(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapHealthApi();
        // The API's endpoints name the object a call returns, for the audit trail.
        var api = app.MapGroup("").CaptureCreatedObjects();
        api.MapCustomersApi();
        api.MapWalletsApi();
        api.MapWebhooksApi();
        api.MapProductsApi();
        api.MapProductCollectionsApi();
        api.MapSubscriptionSettingsApi();
        api.MapCheckoutsApi();
        api.MapPaymentsApi();
        api.MapPaymentMethodsApi();
        api.MapRefundsApi();
        api.MapSubscriptionsApi();
        api.MapInvoicesApi();
        api.MapLicenseKeysApi();
        app.MapClientelePortal();
        app.MapClienteleDashboard();
        app.MapRazorPages();
        app.MapApiNotFoundFallback();
        return app;
    }
}
