using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace Clientele.Tests.Subscriptions;

/// <summary>The background worker itself: a server started with it on renews a due subscription without being asked.</summary>
[Collection(nameof(RenewalWorkerTests))]
public sealed class RenewalWorkerTests(AppFixture app)
{
    private sealed class WorkerServer : AppFixture
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ConnectionStrings:Clientele", TestSettings.ConnectionString() + ";Maximum Pool Size=5");
            builder.UseSetting("Subscriptions:WorkerEnabled", "true");
            builder.UseSetting("Subscriptions:PollInterval", "00:00:00.200");
        }
    }

    [Fact]
    public async Task A_server_with_the_worker_on_renews_a_due_subscription_by_itself()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Worker SaaS"));
        var id = (await driver.SubscribeAsync(await driver.ProductAsync(1100))).Str("subscription_id");
        // Make it due by the real clock: its first period started a month and a minute ago.
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            await connection.ExecuteAsync("""
                UPDATE subscriptions SET billing_anchor = billing_anchor - interval '1 month 1 minute', previous_billing_date = previous_billing_date - interval '1 month 1 minute',
                    next_billing_date = next_billing_date - interval '1 month 1 minute' WHERE id = @id
                """, new { id });
        }

        await using var server = new WorkerServer();
        await server.InitializeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // The renewal's payment exists (processing) before its charge is recorded: wait for the outcome, not the row.
        while (DateTime.UtcNow < deadline && await driver.PaymentsAsync(id) is var payments && (payments.Count < 2 || payments.Any(p => p.Status == "processing")))
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Equal([("succeeded", 1100L, true), ("succeeded", 1100L, true)], await driver.PaymentsAsync(id));
        Assert.True(SubscriptionDriver.Date(await driver.GetAsync(id), "next_billing_date") > DateTime.UtcNow);
    }
}

/// <summary>
/// Alone: the worker renews whatever is due in every business, so a test running beside it that makes its own
/// subscriptions due by the real clock and renews them itself (<c>SubscriptionsRenewCliTests</c>) found them
/// already renewed.
/// </summary>
[CollectionDefinition(nameof(RenewalWorkerTests), DisableParallelization = true)]
public sealed class RenewalWorkerCollection;
