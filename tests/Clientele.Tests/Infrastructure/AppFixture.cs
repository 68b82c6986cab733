using Clientele.Features.Businesses;
using Clientele.Platform;
using Clientele.Primitives;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

[assembly: AssemblyFixture(typeof(Clientele.Tests.Infrastructure.AppFixture))]

namespace Clientele.Tests.Infrastructure;

/// <summary>
/// The real server (Program) on a real loopback socket, over the suite's PostgreSQL database,
/// migrated at start-up. One per test assembly; every test makes its own business.
/// </summary>
public class AppFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public AppFixture() : this(TimeProvider.System)
    {
    }

    protected AppFixture(TimeProvider clock)
    {
        Clock = clock;
        UseKestrel(0);
    }

    public TimeProvider Clock { get; }

    /// <summary>What this server has logged (tests scan it for secrets).</summary>
    public LogCapture Logs { get; } = new();

    public Uri BaseAddress => ClientOptions.BaseAddress;

    public BusinessStore Businesses => Services.GetRequiredService<BusinessStore>();

    public ValueTask InitializeAsync()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        ClientOptions.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        // Links the server prints (portal links, static links) must point at this very server.
        var urls = Services.GetRequiredService<IOptions<PublicUrlOptions>>().Value;
        urls.Live = BaseAddress.ToString().TrimEnd('/');
        urls.Test = urls.Live + "/test";
        return ValueTask.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Clientele", TestSettings.ConnectionString());
        builder.UseSetting("Database:MigrateOnStartup", "true");
        // Webhook delivery runs only in the webhook tests' own server (WebhookFixture).
        builder.UseSetting("Webhooks:DispatcherEnabled", "false");
        // Webhook endpoints on this machine are refused as in production; WebhookFixture allows its loopback receiver.
        builder.UseSetting("Webhooks:AllowPrivateTargets", "false");
        // Renewals run when a test asks (RenewalRunner): a clock-moving server would otherwise renew everyone's subscriptions.
        builder.UseSetting("Subscriptions:WorkerEnabled", "false");
        // Refund recovery runs when a test asks (RefundRecovery): the clocked server would otherwise settle other tests' refunds.
        builder.UseSetting("Refunds:RecoveryWorkerEnabled", "false");
        // Customer reports are built when a test asks (CustomerReportRunner), scoped to its business.
        builder.UseSetting("CustomerReports:WorkerEnabled", "false");
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton(Clock)));
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).AddFilter<LogCapture>(null, LogLevel.Debug));
    }

    /// <summary>
    /// A plain client over a real socket to this server: no credentials, no cookies, and redirects are
    /// returned to the test rather than followed (the factory's own clients follow them regardless).
    /// </summary>
    public HttpClient CreateAnonymousClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };

    /// <summary>A fresh business with a test key and a live key, and clients for each.</summary>
    public async Task<TestBusiness> CreateBusinessAsync(string name = "Test Business")
    {
        var business = await Businesses.CreateAsync(name);
        var test = await Businesses.CreateApiKeyAsync(business.Id, Mode.Test, "tests");
        var live = await Businesses.CreateApiKeyAsync(business.Id, Mode.Live, "tests");
        return new TestBusiness(business.Id, test, live, Client(test.Secret), Client(live.Secret));
    }

    public HttpClient Client(string apiKey)
    {
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return client;
    }
}

public sealed record TestBusiness(string Id, CreatedApiKey TestKey, CreatedApiKey LiveKey, HttpClient Test, HttpClient Live);
