using System.Net;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Wallets;

public sealed class WalletIsolationTests(AppFixture app)
{
    [Fact]
    public async Task Another_business_can_neither_see_nor_move_a_customers_wallet()
    {
        var owner = await app.CreateBusinessAsync("Owner");
        var stranger = await app.CreateBusinessAsync("Stranger");
        var id = await owner.Test.NewCustomerAsync();
        await owner.Test.CreditAsync(id, 1000);
        var path = $"/customers/{id}/wallets";

        await stranger.Test.GetJsonAsync(path, HttpStatusCode.NotFound);
        await stranger.Test.GetJsonAsync(path + "/ledger-entries", HttpStatusCode.NotFound);
        await stranger.Test.PostJsonAsync(path + "/ledger-entries", new { amount = 1000, currency = "USD", entry_type = "debit" }, HttpStatusCode.NotFound);
        await stranger.Test.PostJsonAsync(path + "/ledger-entries", new { amount = 5, currency = "USD", entry_type = "credit" }, HttpStatusCode.NotFound);

        Assert.Equal(1000, await owner.Test.BalanceAsync(id));
        Assert.Single(await owner.Test.EntriesAsync(id));
    }

    [Fact]
    public async Task Test_and_live_mode_wallets_are_separate()
    {
        var business = await app.CreateBusinessAsync();
        var testCustomer = await business.Test.NewCustomerAsync();
        var liveCustomer = await business.Live.NewCustomerAsync();
        await business.Test.CreditAsync(testCustomer, 111);
        await business.Live.CreditAsync(liveCustomer, 222);

        await business.Live.GetJsonAsync($"/customers/{testCustomer}/wallets", HttpStatusCode.NotFound);
        await business.Live.PostEntryAsync(testCustomer, new { amount = 1, currency = "USD", entry_type = "debit" }, HttpStatusCode.NotFound);
        await business.Test.GetJsonAsync($"/customers/{liveCustomer}/wallets/ledger-entries", HttpStatusCode.NotFound);

        Assert.Equal(111, await business.Test.BalanceAsync(testCustomer));
        Assert.Equal(222, await business.Live.BalanceAsync(liveCustomer));
        var liveEntry = Assert.Single(await business.Live.EntriesAsync(liveCustomer))!;
        Assert.Equal(222, liveEntry.Long("amount"));
    }
}
