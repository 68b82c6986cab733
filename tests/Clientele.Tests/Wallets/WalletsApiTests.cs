using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Wallets;

public sealed class WalletsApiTests(AppFixture app)
{
    [Fact]
    public async Task A_new_customer_has_zero_wallets_in_the_default_currencies_dated_from_its_creation()
    {
        var business = await app.CreateBusinessAsync();
        var customer = await business.Test.PostJsonAsync("/customers", new { name = "New", email = $"n-{Guid.NewGuid():N}@example.com" });

        var wallets = await business.Test.WalletsAsync(customer.Str("customer_id"));

        var items = wallets["items"]!.AsArray();
        Assert.Equal(["INR", "USD"], items.Select(w => w!.Str("currency")));
        Assert.All(items, node =>
        {
            var w = node!;
            Assert.Equal(customer.Str("customer_id"), w.Str("customer_id"));
            Assert.Equal(0, w.Long("balance"));
            Assert.Equal(customer.Str("created_at"), w.Str("created_at"));
            Assert.Equal(customer.Str("created_at"), w.Str("updated_at"));
            Assert.Equal(["balance", "created_at", "currency", "customer_id", "updated_at"], w.AsObject().Select(p => p.Key).Order());
        });
        Assert.Equal(0, wallets.Long("total_balance_usd"));
        Assert.Equal((0, 0, 0), await WalletHttp.RowCountsAsync(customer.Str("customer_id")));
    }

    [Fact]
    public async Task A_credit_returns_the_updated_wallet_and_keeps_the_default_wallets_creation_date()
    {
        var business = await app.CreateBusinessAsync();
        var customer = await business.Test.PostJsonAsync("/customers", new { name = "C", email = $"c-{Guid.NewGuid():N}@example.com" });
        var id = customer.Str("customer_id");

        var wallet = await business.Test.PostEntryAsync(id, new { amount = 2500, currency = "USD", entry_type = "credit", reason = "Welcome credit" });

        Assert.Equal(id, wallet.Str("customer_id"));
        Assert.Equal("USD", wallet.Str("currency"));
        Assert.Equal(2500, wallet.Long("balance"));
        Assert.Equal(customer.Str("created_at"), wallet.Str("created_at"));
        Assert.True(DateTime.Parse(wallet.Str("updated_at"), null, System.Globalization.DateTimeStyles.RoundtripKind) >= DateTime.Parse(wallet.Str("created_at"), null, System.Globalization.DateTimeStyles.RoundtripKind));
        Assert.Equal(2500, await business.Test.BalanceAsync(id));
    }

    [Fact]
    public async Task Credits_and_debits_are_recorded_newest_first_with_before_and_after_balances()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();

        await business.Test.PostEntryAsync(id, new { amount = 1000, currency = "USD", entry_type = "credit" });
        var afterDebit = await business.Test.PostEntryAsync(id, new { amount = 400, currency = "USD", entry_type = "debit", reason = "API usage, March" });
        await business.Test.PostEntryAsync(id, new { amount = 50, currency = "USD", entry_type = "credit", reason = "goodwill" });

        Assert.Equal(600, afterDebit.Long("balance"));
        var entries = await business.Test.EntriesAsync(id);
        Assert.Equal([(true, 50L, 600L, 650L), (false, 400L, 1000L, 600L), (true, 1000L, 0L, 1000L)],
            entries.Select(e => (e!["is_credit"]!.GetValue<bool>(), e.Long("amount"), e.Long("before_balance"), e.Long("after_balance"))));
        var debit = entries[1]!;
        Assert.StartsWith("wlt_", debit.Str("id"), StringComparison.Ordinal);
        Assert.Equal(business.Id, debit.Str("business_id"));
        Assert.Equal(id, debit.Str("customer_id"));
        Assert.Equal("USD", debit.Str("currency"));
        Assert.Equal("merchant_adjustment", debit.Str("event_type"));
        Assert.Equal("API usage, March", debit.Str("reason"));
        Assert.Null(debit["reference_object_id"]);
        Assert.Null(entries[2]!["reason"]);
        Assert.Equal(
            ["after_balance", "amount", "before_balance", "business_id", "created_at", "currency", "customer_id", "event_type", "id", "is_credit", "reason", "reference_object_id"],
            debit.AsObject().Select(p => p.Key).Order());
        Assert.Equal(650, await business.Test.BalanceAsync(id));
    }

    [Fact]
    public async Task A_debit_beyond_the_balance_is_refused_and_changes_nothing()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        await business.Test.CreditAsync(id, 300);

        var error = await business.Test.PostEntryAsync(id, new { amount = 301, currency = "USD", entry_type = "debit" }, HttpStatusCode.BadRequest);
        var fromEmpty = await business.Test.PostEntryAsync(id, new { amount = 1, currency = "INR", entry_type = "debit" }, HttpStatusCode.BadRequest);
        var unusedCurrency = await business.Test.PostEntryAsync(id, new { amount = 1, currency = "EUR", entry_type = "debit" }, HttpStatusCode.BadRequest);

        Assert.All([error, fromEmpty, unusedCurrency], e => Assert.Equal("INSUFFICIENT_BALANCE", e.Str("code")));
        Assert.Equal(300, await business.Test.BalanceAsync(id));
        Assert.Single(await business.Test.EntriesAsync(id));
        Assert.Equal((1, 1, 0), await WalletHttp.RowCountsAsync(id));
    }

    [Fact]
    public async Task Debiting_the_whole_balance_leaves_exactly_zero()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        await business.Test.CreditAsync(id, 777);

        var wallet = await business.Test.PostEntryAsync(id, new { amount = 777, currency = "USD", entry_type = "debit" });

        Assert.Equal(0, wallet.Long("balance"));
    }

    [Fact]
    public async Task Each_currency_is_a_separate_wallet_in_its_own_minor_units()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();

        await business.Test.CreditAsync(id, 1050, "USD");   // $10.50
        await business.Test.CreditAsync(id, 50000, "INR");  // ₹500.00
        await business.Test.CreditAsync(id, 1500, "JPY");   // ¥1,500 (no minor unit)
        await business.Test.PostEntryAsync(id, new { amount = 500, currency = "JPY", entry_type = "debit" });
        await business.Test.PostEntryAsync(id, new { amount = 1051, currency = "USD", entry_type = "debit" }, HttpStatusCode.BadRequest);

        var wallets = await business.Test.WalletsAsync(id);
        Assert.Equal([("INR", 50000L), ("JPY", 1000L), ("USD", 1050L)],
            wallets["items"]!.AsArray().Select(w => (w!.Str("currency"), w.Long("balance"))));
        // Default rates: INR 0.0113, JPY 0.0065 USD per major unit → 1050 + 565 + 650 cents.
        Assert.Equal(2265, wallets.Long("total_balance_usd"));
        Assert.Equal(["JPY", "JPY"], (await business.Test.EntriesAsync(id, "currency=JPY")).Select(e => e!.Str("currency")));
        Assert.Equal(["USD"], (await business.Test.EntriesAsync(id, "currency=USD")).Select(e => e!.Str("currency")));
        Assert.Empty(await business.Test.EntriesAsync(id, "currency=EUR"));
    }

    [Fact]
    public async Task A_wallet_in_a_non_default_currency_appears_on_first_use_with_its_own_dates()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();

        var kwd = await business.Test.CreditAsync(id, 1250, "KWD"); // 1.250 KWD, three decimals

        Assert.Equal(kwd.Str("created_at"), kwd.Str("updated_at"));
        var wallets = await business.Test.WalletsAsync(id);
        Assert.Equal(["INR", "KWD", "USD"], wallets["items"]!.AsArray().Select(w => w!.Str("currency")));
        Assert.Equal(408, wallets.Long("total_balance_usd")); // 1.250 × 3.26 = 4.075 → 408 cents, half away from zero
    }

    [Fact]
    public async Task Ledger_entries_page_newest_first_and_past_the_end_is_empty()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        for (var i = 1; i <= 5; i++)
        {
            await business.Test.CreditAsync(id, i);
        }

        var pages = new List<long[]>();
        for (var page = 0; page < 4; page++)
        {
            pages.Add([.. (await business.Test.EntriesAsync(id, $"page_number={page}&page_size=2")).Select(e => e!.Long("amount"))]);
        }

        Assert.Equal([[5, 4], [3, 2], [1], []], pages);
        Assert.Equal(5, (await business.Test.EntriesAsync(id, "")).Count); // the default page size (10) holds all five
    }

    [Fact]
    public async Task Unknown_customers_are_404_on_every_wallet_endpoint()
    {
        var business = await app.CreateBusinessAsync();
        const string path = "/customers/cus_doesnotexist000000000000/wallets";

        var list = await business.Test.GetJsonAsync(path, HttpStatusCode.NotFound);
        var entries = await business.Test.GetJsonAsync(path + "/ledger-entries", HttpStatusCode.NotFound);
        var credit = await business.Test.PostJsonAsync(path + "/ledger-entries", new { amount = 1, currency = "USD", entry_type = "credit" }, HttpStatusCode.NotFound);
        var keyed = await business.Test.PostJsonAsync(path + "/ledger-entries", new { amount = 1, currency = "USD", entry_type = "debit", idempotency_key = "k" }, HttpStatusCode.NotFound);

        Assert.All([list, entries, credit, keyed], e => Assert.Equal("NOT_FOUND", e.Str("code")));
    }

    [Fact]
    public async Task The_openapi_document_lists_the_wallet_paths()
    {
        using var client = app.CreateAnonymousClient();
        var paths = (await client.GetJsonAsync("/openapi/v1.json"))["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/customers/{customer_id}/wallets"));
        Assert.True(paths.ContainsKey("/customers/{customer_id}/wallets/ledger-entries"));
    }
}
