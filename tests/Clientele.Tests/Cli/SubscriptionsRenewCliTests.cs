using System.Text.Json.Nodes;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Subscriptions;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Cli;

public sealed class SubscriptionsRenewCliTests(AppFixture app)
{
    [Fact]
    public async Task Renew_runs_one_pass_for_a_business_and_prints_its_counts()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Renew CLI"));
        var product = await driver.ProductAsync(1000);
        var good = (await driver.SubscribeAsync(product, CheckoutDriver.Visa)).Str("subscription_id");
        // This card pays the first period, then declines.
        var declining = (await driver.SubscribeAsync(product, CheckoutDriver.SucceedsOnce)).Str("subscription_id");
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            await connection.ExecuteAsync("UPDATE subscriptions SET next_billing_date = now() - interval '1 hour' WHERE business_id = @id", new { id = driver.Business.Id });
        }

        var pass = await RenewAsync("--business", driver.Business.Id, "--json");
        Assert.Equal((1, 1, 0, 0), (Count(pass, "renewed"), Count(pass, "failed"), Count(pass, "pending"), Count(pass, "ended")));
        Assert.Equal("active", (await driver.GetAsync(good)).Str("status"));
        Assert.Equal("on_hold", (await driver.GetAsync(declining)).Str("status"));
        Assert.Equal(3, await driver.ProcessorChargesAsync("succeeded"));

        // Nothing is due any more: a second pass charges nothing.
        var again = await ProcessRunner.ClienteleAsync("subscriptions", "renew", "--business", driver.Business.Id);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("0 renewed, 0 failed", again.Output, StringComparison.Ordinal);
        Assert.Equal(3, await driver.ProcessorChargesAsync("succeeded"));
    }

    private static int Count(JsonNode pass, string field) => pass[field]!.GetValue<int>();

    private static async Task<JsonNode> RenewAsync(params string[] arguments)
    {
        var result = await ProcessRunner.ClienteleAsync(["subscriptions", "renew", .. arguments]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Output} {result.Error}");
        return JsonNode.Parse(result.Output)!;
    }
}
