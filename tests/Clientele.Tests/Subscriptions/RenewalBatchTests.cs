using System.Text.Json.Nodes;
using Clientele.Features.Subscriptions;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Tests.Subscriptions;

/// <summary>
/// A claimed batch is started together and its outcomes recorded in one transaction: each renewal must still
/// come out as it would alone (paid, paid by the wallet, declined and on hold, left to the recovery pass), the
/// invoice numbers stay gapless, and a batch that cannot be recorded leaves nothing behind but charges to recover.
/// </summary>
[Collection(SerialPortalCollection.Name)]
public sealed class RenewalBatchTests(ClockedAppFixture app)
{
    [Fact]
    public async Task One_batch_of_paid_wallet_paid_declined_and_failing_renewals_records_each_as_it_would_alone()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Batch SaaS"));
        var product = await driver.ProductAsync(1000);
        var plain = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            plain.Add((await driver.SubscribeAsync(product)).Str("subscription_id"));
        }
        var (partWallet, partCustomer) = await SubscribeWithWalletAsync(driver, product, CheckoutDriver.Visa, 300);
        var (wholeWallet, wholeCustomer) = await SubscribeWithWalletAsync(driver, product, CheckoutDriver.Visa, 5000);
        var (declinedWithWallet, declinedCustomer) = await SubscribeWithWalletAsync(driver, product, CheckoutDriver.SucceedsOnce, 300);
        var declined = (await driver.SubscribeAsync(product, CheckoutDriver.SucceedsOnce)).Str("subscription_id");
        var throwing = (await driver.SubscribeAsync(product)).Str("subscription_id");
        app.TestClock.Advance(TimeSpan.FromDays(32));

        // The processor throws for one card: that charge alone must stay for the recovery pass.
        RenewalPass pass;
        await using (await RefuseInsertsAsync("test_processor_charges", $"NEW.token = '{await TokenAsync(throwing)}'"))
        {
            pass = await driver.RenewAsync();
        }
        Assert.Equal((5, 2, 1), (pass.Renewed, pass.Failed, pass.Pending));

        foreach (var id in plain.Append(partWallet).Append(wholeWallet))
        {
            var subscription = await driver.GetAsync(id);
            Assert.Equal("active", subscription.Str("status"));
            Assert.True(SubscriptionDriver.Date(subscription, "next_billing_date") > app.TestClock.GetUtcNow().UtcDateTime);
            Assert.Equal(("succeeded", 1000L, true), (await driver.PaymentsAsync(id))[^1]);
        }
        foreach (var id in new[] { declinedWithWallet, declined })
        {
            Assert.Equal("on_hold", (await driver.GetAsync(id)).Str("status"));
            Assert.Equal(("failed", 1000L, false), (await driver.PaymentsAsync(id))[^1]);
        }
        Assert.Equal(0, await driver.WalletBalanceAsync(partCustomer));
        Assert.Equal(4000, await driver.WalletBalanceAsync(wholeCustomer));
        Assert.Equal(300, await driver.WalletBalanceAsync(declinedCustomer));
        Assert.Equal(("processing", "active"), (await ChargeStatusAsync(throwing), (await driver.GetAsync(throwing)).Str("status")));

        // Events: for each renewal its payment.succeeded (with the numbered invoice) before its subscription.renewed.
        var events = await EventsAsync(driver.Business.Id);
        foreach (var id in plain.Append(partWallet).Append(wholeWallet))
        {
            var paid = events.FindLastIndex(e => e.Type == "payment.succeeded" && SubscriptionOf(e) == id);
            var renewed = events.FindIndex(e => e.Type == "subscription.renewed" && SubscriptionOf(e) == id);
            Assert.True(paid >= 0 && renewed > paid, $"{id}: payment.succeeded at {paid}, subscription.renewed at {renewed}");
            Assert.NotNull(events[paid].Data["invoice_id"]?.GetValue<string>());
        }
        Assert.Equal(2, events.Count(e => e.Type == "subscription.on_hold"));

        // The processor works again; after the lease the recovery pass charges it once with its key.
        app.TestClock.Advance(TimeSpan.FromMinutes(3));
        pass = await driver.RenewAsync();
        Assert.Equal((1, 0), (pass.Recovered, pass.Renewed));
        Assert.Equal(("succeeded", 1000L, true), (await driver.PaymentsAsync(throwing))[^1]);

        // 8 first payments and 6 paid renewals (one paid by the wallet alone), numbered 1..14 with no gap, each with its receipt.
        await AssertGaplessInvoicesAsync(driver.Business.Id, 14);
        Assert.Equal(14, (await driver.EmailKindsAsync()).Count(k => k == "payment_receipt"));
        Assert.Equal(8 + 5, await driver.ProcessorChargesAsync());
    }

    [Fact]
    public async Task A_batch_whose_recording_fails_keeps_none_of_it_and_the_recovery_pass_settles_each_charge_once()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Unrecorded SaaS"));
        var product = await driver.ProductAsync(800);
        var paid = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            paid.Add((await driver.SubscribeAsync(product)).Str("subscription_id"));
        }
        var declined = (await driver.SubscribeAsync(product, CheckoutDriver.SucceedsOnce)).Str("subscription_id");
        app.TestClock.Advance(TimeSpan.FromDays(32));

        // The database refuses the batch's last writes (its e-mails), as a crash before the commit would lose them.
        RenewalPass pass;
        await using (await RefuseInsertsAsync("email_outbox", $"NEW.business_id = '{driver.Business.Id}'"))
        {
            pass = await driver.RenewAsync();
        }
        Assert.Equal((0, 0, 4), (pass.Renewed, pass.Failed, pass.Pending));
        foreach (var id in paid.Append(declined))
        {
            Assert.Equal("processing", await ChargeStatusAsync(id));
            Assert.Equal("active", (await driver.GetAsync(id)).Str("status"));
        }
        Assert.Equal(4 + 3, await driver.ProcessorChargesAsync());
        await AssertGaplessInvoicesAsync(driver.Business.Id, 4);

        // Within the lease nothing is charged again; after it the recovery pass records each from the processor's books.
        Assert.Equal(0, (await driver.RenewAsync()).Recovered);
        app.TestClock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(4, (await driver.RenewAsync()).Recovered);
        Assert.Equal(4 + 3, await driver.ProcessorChargesAsync());
        Assert.Equal(1, await driver.ProcessorChargesAsync("failed"));
        foreach (var id in paid)
        {
            Assert.Equal(("succeeded", 800L, true), (await driver.PaymentsAsync(id))[^1]);
        }
        Assert.Equal("on_hold", (await driver.GetAsync(declined)).Str("status"));
        await AssertGaplessInvoicesAsync(driver.Business.Id, 7);
    }

    [Fact]
    public async Task A_renewer_waits_while_another_holds_every_lane_and_renews_with_the_lane_it_is_given()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Lanes SaaS"));
        var product = await driver.ProductAsync(700);
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            ids.Add((await driver.SubscribeAsync(product)).Str("subscription_id"));
        }
        app.TestClock.Advance(TimeSpan.FromDays(32));
        var scope = RenewalLanes.ScopeKey(driver.Business.Id);
        var lanes = app.Services.GetRequiredService<IOptions<SubscriptionOptions>>().Value.Batches;

        // Another renewer (this connection) holds every lane of the business.
        await using var other = new NpgsqlConnection(TestSettings.ConnectionString());
        await other.OpenAsync();
        await other.ExecuteAsync("SELECT pg_advisory_lock(@scope, lane) FROM generate_series(0, @last) AS lane", new { scope, last = lanes - 1 });

        var renewing = driver.RenewAsync();
        // Long enough for the pass to look several times, and for a pass that ignored the lanes to claim and charge.
        await Task.Delay(RenewalLanes.RetryDelay * 4);
        Assert.False(renewing.IsCompleted);
        Assert.Equal(2, await driver.ProcessorChargesAsync()); // the sign-ups' charges only
        Assert.Equal(0, await RenewalChargesAsync(driver.Business.Id)); // nothing claimed while waiting

        // Lane 0 comes free: the waiting pass takes it (the others stay taken) and renews everything due with it.
        await other.ExecuteAsync("SELECT pg_advisory_unlock(@scope, 0)", new { scope });
        var pass = await renewing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((2, 0, 0), (pass.Renewed, pass.Failed, pass.Pending));
        foreach (var id in ids)
        {
            Assert.Equal(("succeeded", 700L, true), (await driver.PaymentsAsync(id))[^1]);
        }
        Assert.Equal(4, await driver.ProcessorChargesAsync());

        // The pass gave its lane back; so does a pass that found every lane free.
        Assert.Equal(0, await LanesHeldAsync(scope, exceptPid: other.ProcessID));
        await other.ExecuteAsync("SELECT pg_advisory_unlock_all()");
        Assert.Equal((0, 0), ((await driver.RenewAsync()).Renewed, await LanesHeldAsync(scope, exceptPid: 0)));
    }

    private static async Task<int> RenewalChargesAsync(string businessId)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.QuerySingleAsync<int>("SELECT count(*)::int FROM subscription_charges WHERE business_id = @businessId AND kind = 'renewal'", new { businessId });
    }

    private static async Task<int> LanesHeldAsync(int scope, int exceptPid)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.QuerySingleAsync<int>(
            "SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND classid = (@scope::bigint & 4294967295)::oid AND granted AND pid <> @exceptPid",
            new { scope, exceptPid });
    }

    private sealed record Event(string Type, JsonNode Data);

    private static string? SubscriptionOf(Event e) => e.Data["subscription_id"]?.GetValue<string>();

    private static async Task<(string SubscriptionId, string CustomerId)> SubscribeWithWalletAsync(SubscriptionDriver driver, string product, string card, long credit)
    {
        var subscription = await driver.SubscribeAsync(product, card);
        var customerId = subscription["customer"]!["customer_id"]!.GetValue<string>();
        await driver.Api.PostJsonAsync($"/customers/{customerId}/wallets/ledger-entries", new { amount = credit, currency = "USD", entry_type = "credit" });
        return (subscription.Str("subscription_id"), customerId);
    }

    private static async Task<string> TokenAsync(string subscriptionId)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.QuerySingleAsync<string>(
            "SELECT m.processor_token FROM subscriptions s JOIN payment_methods m ON m.id = s.payment_method_id WHERE s.id = @subscriptionId", new { subscriptionId });
    }

    /// <summary>Makes PostgreSQL refuse inserts into <paramref name="table"/> that match <paramref name="when"/> (this test's rows only) until disposed.</summary>
    private static async Task<IAsyncDisposable> RefuseInsertsAsync(string table, string when)
    {
        var name = "refuse_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        await connection.ExecuteAsync($"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
            CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {name}();
            """);
        return new Refusal(table, name);
    }

    private sealed class Refusal(string table, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
            await connection.ExecuteAsync($"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();");
        }
    }

    private static async Task<string> ChargeStatusAsync(string subscriptionId)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.QuerySingleAsync<string>(
            "SELECT status FROM subscription_charges WHERE subscription_id = @subscriptionId AND kind = 'renewal'", new { subscriptionId });
    }

    private static async Task<List<Event>> EventsAsync(string businessId)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return [.. (await connection.QueryAsync<(string Type, string Payload)>("SELECT type, payload FROM webhook_events WHERE business_id = @businessId ORDER BY seq", new { businessId }))
            .Select(e => new Event(e.Type, JsonNode.Parse(e.Payload)!["data"]!))];
    }

    private static async Task AssertGaplessInvoicesAsync(string businessId, int count)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var invoices = (await connection.QueryAsync<(long? Sequence, string? Number)>(
            "SELECT sequence, number FROM invoices WHERE business_id = @businessId AND mode = 'test' ORDER BY sequence", new { businessId })).ToList();
        Assert.Equal(Enumerable.Range(1, count).Select(n => (long?)n), invoices.Select(i => i.Sequence));
        Assert.All(invoices, i => Assert.Equal($"TEST-INV-{i.Sequence:D6}", i.Number));
    }
}
