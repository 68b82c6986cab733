using System.Net;
using Clientele.Platform.Jobs;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Subscriptions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Platform;

/// <summary>
/// A server whose pool is two connections (Database:MaxPoolSize), one of which background workers may hold
/// (Database:WorkerConnections), and which waits three seconds for a connection (Database:ConnectionWait).
/// </summary>
public sealed class SmallPoolFixture : AppFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var connection = new NpgsqlConnectionStringBuilder(TestSettings.ConnectionString());
        connection.Remove("Maximum Pool Size");
        builder.UseSetting("ConnectionStrings:Clientele", connection.ConnectionString);
        builder.UseSetting("Database:MaxPoolSize", "2");
        builder.UseSetting("Database:WorkerConnections", "1");
        builder.UseSetting("Database:ConnectionWait", "00:00:03");
    }
}

public sealed class SaturationTests(SmallPoolFixture app) : IClassFixture<SmallPoolFixture>
{
    [Fact]
    public async Task When_no_connection_comes_free_in_time_the_answer_is_503_with_retry_after()
    {
        var business = await app.CreateBusinessAsync();
        await business.Test.GetJsonAsync("/customers");

        // Keep the workers between passes, then hold both pooled connections, as a burst of requests would.
        var workers = app.Services.GetRequiredService<WorkerConnections>();
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        HttpResponseMessage busy;
        using (await workers.EnterAsync(workers.Size, TestContext.Current.CancellationToken))
        {
            await using var first = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
            await using var second = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
            busy = await business.Test.GetAsync("/customers");
        }
        using (busy)
        {
            var text = await busy.Content.ReadAsStringAsync();
            Assert.True(busy.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)busy.StatusCode} {text}");
            Assert.Equal(TimeSpan.FromSeconds(2), busy.Headers.RetryAfter?.Delta);
            Assert.Contains("SERVICE_UNAVAILABLE", text, StringComparison.Ordinal);
        }
        // Once they are free again, requests succeed.
        await business.Test.GetJsonAsync("/customers");
    }

    [Fact]
    public async Task More_portal_page_views_at_once_than_the_pool_has_connections_all_get_their_page()
    {
        // A page that held the request's connection while a service borrowed a second would, with as many
        // such views as the pool has connections, wait for ever (here: until the 503 after three seconds).
        var business = await app.CreateBusinessAsync("Busy Portal Co");
        var driver = new SubscriptionDriver(app, business);
        var subscription = await driver.SubscribeAsync(await driver.ProductAsync(900, "Busy Plan"));
        var customerId = subscription["customer"]!.Str("customer_id");
        var link = (await driver.Api.PostJsonAsync($"/customers/{customerId}/customer-portal/session", "")).Str("link");
        using var portal = new PortalClient(app.BaseAddress);
        var path = new Uri(link).AbsolutePath;
        await portal.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, (await portal.PostFormAsync(path)).Status);

        var workers = app.Services.GetRequiredService<WorkerConnections>();
        string[] pages =
        [
            "overview", "billing", "subscriptions", $"subscriptions/{subscription.Str("subscription_id")}", "payment-methods",
            "license-keys", "wallets", "profile", "activity",
        ];
        using (await workers.EnterAsync(workers.Size, TestContext.Current.CancellationToken))
        {
            var answers = await Task.WhenAll(pages.Concat(pages).Select(p => portal.GetAsync($"/test/session/{p}")));
            Assert.All(answers.Zip(pages.Concat(pages)), a => Assert.True(a.First.Status == HttpStatusCode.OK, $"{a.Second}: {(int)a.First.Status}"));
        }
    }

    [Fact]
    public async Task Workers_holding_all_they_may_leave_requests_a_connection()
    {
        var business = await app.CreateBusinessAsync();
        var workers = app.Services.GetRequiredService<WorkerConnections>();
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        Assert.Equal(1, workers.Size);

        // Every worker permit taken, each with the connection a busy pass would hold.
        using (await workers.EnterAsync(workers.Size, TestContext.Current.CancellationToken))
        {
            await using var heldByWorker = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, workers.Free);
            using var served = await business.Test.GetAsync("/customers");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);

            // …and no further pass can start to take the requests' share: a worker waits for a permit.
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => workers.EnterAsync(1, cancel.Token));
        }
    }

    [Fact]
    public void A_pass_fans_out_no_wider_than_the_workers_share()
    {
        using var share = new WorkerConnections(3);
        Assert.Equal(1, share.Clamp(0));
        Assert.Equal(3, share.Clamp(8));
        Assert.Equal(2, share.Clamp(2));
    }
}
