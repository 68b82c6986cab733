using Clientele.Features.Payments.Processor;
using Clientele.Features.Subscriptions;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Subscriptions;

/// <summary>One charge per period, whatever happens: racing workers, a lost processor answer, a worker that never comes back.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class RenewalSafetyTests(ClockedAppFixture app)
{
    [Fact]
    public async Task Four_workers_racing_over_the_same_due_subscriptions_charge_each_period_exactly_once()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Race SaaS"));
        var product = await driver.ProductAsync(700);
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add((await driver.SubscribeAsync(product)).Str("subscription_id"));
        }
        app.TestClock.Advance(TimeSpan.FromDays(32));

        var runner = app.Services.GetRequiredService<RenewalRunner>();
        var passes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => runner.RunOnceAsync(driver.Business.Id, CancellationToken.None))));

        Assert.Equal(12, passes.Sum(p => p.Renewed));
        Assert.Equal(24, await driver.ProcessorChargesAsync());
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var perSubscription = (await connection.QueryAsync<int>("""
            SELECT count(*)::int FROM subscription_charges WHERE business_id = @id AND kind = 'renewal' GROUP BY subscription_id
            """, new { id = driver.Business.Id })).ToList();
        Assert.Equal(Enumerable.Repeat(1, 12), perSubscription);
        foreach (var id in ids)
        {
            Assert.Equal(2, (await driver.PaymentsAsync(id)).Count(p => p.Status == "succeeded"));
        }
    }

    [Fact]
    public async Task A_charge_whose_answer_was_lost_is_recovered_from_the_processor_by_its_key_without_charging_again()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var id = (await driver.SubscribeAsync(await driver.ProductAsync(1200))).Str("subscription_id");
        app.TestClock.Advance(TimeSpan.FromDays(32));
        var faults = app.Services.GetRequiredService<TestProcessorFaults>();

        // The processor charges the card, then the answer never arrives: as if the worker died mid-renewal.
        faults.Set(driver.Business.Id, ProcessorFault.LoseAnswer);
        var pass = await driver.RenewAsync();
        faults.Clear(driver.Business.Id);
        Assert.Equal((0, 1), (pass.Renewed, pass.Pending));
        Assert.Equal(2, await driver.ProcessorChargesAsync());
        Assert.Equal("processing", (await driver.PaymentsAsync(id))[^1].Status);

        // Within the worker's lease nobody touches it, and the subscription is not renewed again.
        pass = await driver.RenewAsync();
        Assert.Equal((0, 0, 0), (pass.Renewed, pass.Pending, pass.Recovered));

        // After the lease, the recovery pass finds the charge by its idempotency key and records it.
        app.TestClock.Advance(TimeSpan.FromMinutes(3));
        pass = await driver.RenewAsync();
        Assert.Equal(1, pass.Recovered);
        Assert.Equal(2, await driver.ProcessorChargesAsync());
        Assert.Equal(("succeeded", 1200L, true), (await driver.PaymentsAsync(id))[^1]);
        var subscription = await driver.GetAsync(id);
        Assert.Equal("active", subscription.Str("status"));
        Assert.True(SubscriptionDriver.Date(subscription, "next_billing_date") > app.TestClock.GetUtcNow().UtcDateTime);
        Assert.Equal(0, (await driver.RenewAsync()).Renewed);
    }

    [Fact]
    public async Task A_charge_that_never_reached_the_processor_is_made_once_by_the_recovery_pass()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var id = (await driver.SubscribeAsync(await driver.ProductAsync(800))).Str("subscription_id");
        app.TestClock.Advance(TimeSpan.FromDays(32));
        var faults = app.Services.GetRequiredService<TestProcessorFaults>();
        faults.Set(driver.Business.Id, ProcessorFault.Unavailable);
        Assert.Equal(1, (await driver.RenewAsync()).Pending);
        faults.Clear(driver.Business.Id);
        Assert.Equal(1, await driver.ProcessorChargesAsync());

        app.TestClock.Advance(TimeSpan.FromMinutes(3));
        var runner = app.Services.GetRequiredService<RenewalRunner>();
        var passes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => runner.RunOnceAsync(driver.Business.Id, CancellationToken.None))));
        Assert.Equal(1, passes.Sum(p => p.Recovered));
        Assert.Equal(2, await driver.ProcessorChargesAsync());
        Assert.Equal(("succeeded", 800L, true), (await driver.PaymentsAsync(id))[^1]);
    }

    [Fact]
    public async Task A_fixed_term_subscription_renews_until_its_term_and_then_expires()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var product = await driver.ProductAsync(500, termCount: 2, termInterval: "Month");
        var id = (await driver.SubscribeAsync(product)).Str("subscription_id");
        app.TestClock.Advance(TimeSpan.FromDays(32));
        Assert.Equal(1, (await driver.RenewAsync()).Renewed);
        app.TestClock.Advance(TimeSpan.FromDays(31));
        var pass = await driver.RenewAsync();
        Assert.Equal((0, 1), (pass.Renewed, pass.Ended));
        var subscription = await driver.GetAsync(id);
        Assert.Equal("expired", subscription.Str("status"));
        Assert.Equal(2, (await driver.PaymentsAsync(id)).Count);
        Assert.Contains("subscription.expired", await driver.EventsAsync());
    }

    [Fact]
    public async Task Racing_renewals_of_one_business_number_their_invoices_gapless_and_the_receipts_show_them()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Numbered SaaS"));
        var product = await driver.ProductAsync(900);
        for (var i = 0; i < 10; i++)
        {
            await driver.SubscribeAsync(product);
        }
        app.TestClock.Advance(TimeSpan.FromDays(32));

        var runner = app.Services.GetRequiredService<RenewalRunner>();
        var passes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => runner.RunOnceAsync(driver.Business.Id, CancellationToken.None))));

        Assert.Equal(10, passes.Sum(p => p.Renewed));
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var invoices = (await connection.QueryAsync<(long? Sequence, string? Number)>(
            "SELECT sequence, number FROM invoices WHERE business_id = @id AND mode = 'test' ORDER BY sequence", new { id = driver.Business.Id })).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(n => (long?)n), invoices.Select(i => i.Sequence));
        Assert.All(invoices, i => Assert.Equal($"TEST-INV-{i.Sequence:D6}", i.Number));
        Assert.Equal(20, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM email_outbox WHERE business_id = @id AND kind = 'payment_receipt'", new { id = driver.Business.Id }));
    }
}
