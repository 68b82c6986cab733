using System.Text.Json.Nodes;
using Clientele.Features.Subscriptions;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Subscriptions;

/// <summary>Product bodies with recurring prices, for tests outside this folder.</summary>
public static class SubscriptionDriverPrices
{
    public static object Monthly(long price) => new { name = "Monthly", tax_category = "saas", price = SubscriptionDriver.RecurringPrice(price) };
}

/// <summary>Sets up subscriptions through the API and the hosted page, runs renewals, and reads what the database recorded.</summary>
public sealed class SubscriptionDriver(AppFixture app, TestBusiness business)
{
    public TestBusiness Business { get; } = business;

    public HttpClient Api => Business.Test;

    public CheckoutDriver Checkout { get; } = new(app, business.Test);

    public static object RecurringPrice(long price, string interval = "Month", int count = 1, int trialDays = 0, string termInterval = "Year", int termCount = 10, string currency = "USD") => new
    {
        type = "recurring_price",
        currency,
        price,
        discount = 0,
        purchasing_power_parity = false,
        payment_frequency_count = count,
        payment_frequency_interval = interval,
        subscription_period_count = termCount,
        subscription_period_interval = termInterval,
        trial_period_days = trialDays,
    };

    public async Task<string> ProductAsync(long price, string name = "Plan", string interval = "Month", int trialDays = 0, int termCount = 10, string termInterval = "Year") =>
        (await Api.PostJsonAsync("/products", new { name, tax_category = "saas", price = RecurringPrice(price, interval, 1, trialDays, termInterval, termCount) })).Str("product_id");

    /// <summary>A collection whose one group holds the given products, in order (plan changes move within it).</summary>
    public async Task<string> CollectionAsync(params string[] productIds) =>
        (await Api.PostJsonAsync("/product-collections", new
        {
            name = "Plans",
            groups = new[] { new { group_name = "Tiers", products = productIds.Select(id => new { product_id = id }).ToArray() } },
        })).Str("id");

    public Task AllowAsync(bool planChanges = true, bool pause = true) =>
        Api.PatchJsonAsync("/settings/subscriptions", new { allow_plan_changes = planChanges, allow_customer_pause = pause });

    /// <summary>Subscribes a new customer through the hosted page with the given card; returns the subscription.</summary>
    public async Task<JsonNode> SubscribeAsync(string productId, string card = CheckoutDriver.Visa, int quantity = 1, string? email = null)
    {
        var created = await Api.PostJsonAsync("/subscriptions", new
        {
            product_id = productId,
            quantity,
            customer = new { email = email ?? $"sub-{Guid.NewGuid():N}@example.com", name = "Sam Subscriber" },
            billing = new { country = "US" },
            payment_link = true,
        });
        await Checkout.PaySuccessfullyAsync(new Uri(created.Str("payment_link")).AbsolutePath, card);
        return await GetAsync(created.Str("subscription_id"));
    }

    public Task<JsonNode> GetAsync(string subscriptionId) => Api.GetJsonAsync($"/subscriptions/{subscriptionId}");

    public Task<RenewalPass> RenewAsync() => app.Services.GetRequiredService<RenewalRunner>().RunOnceAsync(Business.Id, CancellationToken.None);

    public async Task<IReadOnlyList<(string Status, long Total, bool HasInvoice)>> PaymentsAsync(string subscriptionId)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return (await connection.QueryAsync<(string, long, bool)>("""
            SELECT p.status, p.total_amount, EXISTS (SELECT 1 FROM invoices i WHERE i.payment_id = p.id)
            FROM payments p WHERE p.subscription_id = @subscriptionId AND p.business_id = @businessId ORDER BY p.created_at, p.id
            """, new { subscriptionId, businessId = Business.Id })).AsList();
    }

    /// <summary>The webhook event types written for the subscription's business, in the order they were written.</summary>
    public async Task<IReadOnlyList<string>> EventsAsync()
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return (await connection.QueryAsync<string>("SELECT type FROM webhook_events WHERE business_id = @id ORDER BY seq", new { id = Business.Id })).AsList();
    }

    /// <summary>The kinds of e-mail queued for the business, oldest first.</summary>
    public async Task<IReadOnlyList<string>> EmailKindsAsync()
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return (await connection.QueryAsync<string>("SELECT kind FROM email_outbox WHERE business_id = @id ORDER BY created_at, id", new { id = Business.Id })).AsList();
    }

    /// <summary>Charges the test processor actually made for the business (what a card statement would show).</summary>
    public async Task<int> ProcessorChargesAsync(string status = "succeeded")
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.QuerySingleAsync<int>("SELECT count(*)::int FROM test_processor_charges WHERE business_id = @id AND status = @status", new { id = Business.Id, status });
    }

    /// <summary>Stops the clock at a whole second (exact amounts need a still clock) until disposed.</summary>
    public static IDisposable Freeze(ClockedAppFixture app)
    {
        var now = app.TestClock.GetUtcNow();
        app.TestClock.Freeze(new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero));
        return new Unfreezer(app.TestClock);
    }

    public async Task<long> WalletBalanceAsync(string customerId, string currency = "USD")
    {
        var wallets = await Api.GetJsonAsync($"/customers/{customerId}/wallets");
        return wallets["items"]!.AsArray().FirstOrDefault(w => w!["currency"]!.GetValue<string>() == currency)?["balance"]!.GetValue<long>() ?? 0;
    }

    public static DateTime Date(JsonNode subscription, string field) => subscription[field]!.GetValue<DateTime>().ToUniversalTime();

    private sealed class Unfreezer(TestClock clock) : IDisposable
    {
        public void Dispose() => clock.Unfreeze();
    }
}
