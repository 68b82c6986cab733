using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Wallets;

public sealed class WalletIdempotencyTests(AppFixture app)
{
    [Fact]
    public async Task A_replayed_key_returns_the_first_result_without_a_second_entry()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        var request = new { amount = 500, currency = "USD", entry_type = "credit", idempotency_key = "order-42" };

        var first = await business.Test.PostEntryAsync(id, request);
        await business.Test.CreditAsync(id, 100); // the wallet moves on
        var replay = await business.Test.PostEntryAsync(id, request);

        Assert.Equal(first.ToJsonString(), replay.ToJsonString());
        Assert.Equal(500, replay.Long("balance"));
        Assert.Equal(600, await business.Test.BalanceAsync(id));
        Assert.Equal(2, (await business.Test.EntriesAsync(id)).Count);
    }

    [Fact]
    public async Task A_replay_with_a_different_reason_is_still_the_same_request()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        await business.Test.PostEntryAsync(id, new { amount = 5, currency = "USD", entry_type = "credit", idempotency_key = "r", reason = "first" });

        var replay = await business.Test.PostEntryAsync(id, new { amount = 5, currency = "USD", entry_type = "credit", idempotency_key = "r", reason = "second" });

        Assert.Equal(5, replay.Long("balance"));
        Assert.Equal("first", Assert.Single(await business.Test.EntriesAsync(id))!.Str("reason"));
    }

    public static TheoryData<string, long, string, string> Differences => new()
    {
        { "amount", 501, "USD", "credit" },
        { "currency", 500, "INR", "credit" },
        { "entry_type", 500, "USD", "debit" },
    };

    [Theory]
    [MemberData(nameof(Differences))]
    public async Task Reusing_a_key_with_different_parameters_is_a_422_and_writes_nothing(string changed, long amount, string currency, string entryType)
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        await business.Test.PostEntryAsync(id, new { amount = 500, currency = "USD", entry_type = "credit", idempotency_key = "k-" + changed });

        var error = await business.Test.PostEntryAsync(id, new { amount, currency, entry_type = entryType, idempotency_key = "k-" + changed }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("IDEMPOTENCY_KEY_REUSED", error.Str("code"));
        Assert.StartsWith("idempotency_key:", error.Str("message"), StringComparison.Ordinal);
        Assert.Equal((1, 1, 1), await WalletHttp.RowCountsAsync(id));
    }

    [Fact]
    public async Task Reusing_a_key_for_another_customer_of_the_business_is_a_422()
    {
        var business = await app.CreateBusinessAsync();
        var first = await business.Test.NewCustomerAsync();
        var second = await business.Test.NewCustomerAsync();
        await business.Test.PostEntryAsync(first, new { amount = 1, currency = "USD", entry_type = "credit", idempotency_key = "shared" });

        var error = await business.Test.PostEntryAsync(second, new { amount = 1, currency = "USD", entry_type = "credit", idempotency_key = "shared" }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("IDEMPOTENCY_KEY_REUSED", error.Str("code"));
        Assert.Equal(0, await business.Test.BalanceAsync(second));
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_business_and_mode()
    {
        var business = await app.CreateBusinessAsync();
        var other = await app.CreateBusinessAsync();
        var testCustomer = await business.Test.NewCustomerAsync();
        var liveCustomer = await business.Live.NewCustomerAsync();
        var otherCustomer = await other.Test.NewCustomerAsync();

        foreach (var (client, id) in new[] { (business.Test, testCustomer), (business.Live, liveCustomer), (other.Test, otherCustomer) })
        {
            var wallet = await client.PostEntryAsync(id, new { amount = 7, currency = "USD", entry_type = "credit", idempotency_key = "same-key" });
            Assert.Equal(7, wallet.Long("balance"));
        }
    }

    [Fact]
    public async Task A_refused_request_does_not_use_up_its_key()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        var debit = new { amount = 100, currency = "USD", entry_type = "debit", idempotency_key = "pay-later" };

        await business.Test.PostEntryAsync(id, debit, HttpStatusCode.BadRequest);
        await business.Test.CreditAsync(id, 150);
        var wallet = await business.Test.PostEntryAsync(id, debit);

        Assert.Equal(50, wallet.Long("balance"));
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_write_one_entry_and_all_see_its_result()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        var request = new { amount = 250, currency = "USD", entry_type = "credit", idempotency_key = "burst" };

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => business.Test.PostEntryAsync(id, request)));

        Assert.Single(results.Select(r => r.ToJsonString()).Distinct());
        Assert.Equal(250, results[0].Long("balance"));
        Assert.Equal((1, 1, 1), await WalletHttp.RowCountsAsync(id));
    }
}
