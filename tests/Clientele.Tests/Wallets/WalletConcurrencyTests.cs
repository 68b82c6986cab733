using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Wallets;

public sealed class WalletConcurrencyTests(AppFixture app)
{
    [Fact]
    public async Task A_hundred_concurrent_debits_succeed_exactly_as_far_as_the_balance_goes()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();
        await business.Test.CreditAsync(id, 5_000);

        // 5,000 / 70 = 71 debits fit, leaving 30.
        using var start = new ManualResetEventSlim();
        var debits = Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            start.Wait();
            using var response = await business.Test.PostAsync($"/customers/{id}/wallets/ledger-entries",
                Json.Content(new { amount = 70, currency = "USD", entry_type = "debit", reason = $"debit {i}" }));
            return response.StatusCode;
        })).ToList();
        start.Set();
        var statuses = await Task.WhenAll(debits);

        Assert.Equal(71, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(29, statuses.Count(s => s == HttpStatusCode.BadRequest));
        Assert.Equal(30, await business.Test.BalanceAsync(id));
        var entries = await business.Test.EntriesAsync(id, "page_size=100");
        Assert.Equal(72, entries.Count);
        // The chain is unbroken: each entry starts where the previous one (in applied order) ended.
        var chain = Enumerable.Reverse(entries).ToList();
        for (var i = 1; i < chain.Count; i++)
        {
            Assert.Equal(chain[i - 1]!.Long("after_balance"), chain[i]!.Long("before_balance"));
        }
    }

    [Fact]
    public async Task Concurrent_credits_to_a_wallet_that_does_not_exist_yet_all_count()
    {
        var business = await app.CreateBusinessAsync();
        var id = await business.Test.NewCustomerAsync();

        await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => business.Test.CreditAsync(id, 3, "EUR")));

        Assert.Equal(90, await business.Test.BalanceAsync(id, "EUR"));
        Assert.Equal(30, (await business.Test.EntriesAsync(id, "currency=EUR&page_size=100")).Count);
    }
}
