using System.Net;
using Clientele.Platform.Jobs;
using Clientele.Tests.Infrastructure;
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
