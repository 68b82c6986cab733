using System.Net;
using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Wallets;

namespace Clientele.Tests.Portal;

/// <summary>The portal's read-only wallets page: balances per currency and the ledger, a page at a time.</summary>
public sealed partial class WalletsPageTests(AppFixture app)
{
    [Fact]
    public async Task Balances_and_ledger_show_money_and_dates_in_the_chosen_language()
    {
        var business = await app.CreateBusinessAsync("Wallet Shop");
        var (client, id, _) = await PortalTestData.SignedInAsync(app, business.Test);
        using var _client = client;
        await business.Test.PostEntryAsync(id, new { amount = 123450, currency = "USD", entry_type = "credit", reason = "Welcome gift" });
        await business.Test.PostEntryAsync(id, new { amount = 450, currency = "USD", entry_type = "debit" });
        await business.Test.CreditAsync(id, 5000, "INR");
        // The reason the renewal engine writes when a wallet pays part of a subscription (SubscriptionCharges).
        await business.Test.PostEntryAsync(id, new { amount = 100, currency = "USD", entry_type = "debit", reason = "Subscription payment" });

        var english = await client.GetAsync("/test/session/wallets");
        Assert.Equal(HttpStatusCode.OK, english.Status);
        Assert.Contains("$1,229.00", english.Text, StringComparison.Ordinal);
        Assert.Contains("+$1,234.50", english.Text, StringComparison.Ordinal);
        Assert.Contains("−$4.50", english.Text, StringComparison.Ordinal);
        Assert.Contains("Welcome gift", english.Text, StringComparison.Ordinal);
        Assert.Contains("Adjustment", english.Text, StringComparison.Ordinal);
        Assert.Contains("INR", english.Text, StringComparison.Ordinal);

        await client.PostFormAsync("/test/language", new Dictionary<string, string> { ["culture"] = "pt-BR", ["returnUrl"] = "/test/session/wallets" });
        var portuguese = await client.GetAsync("/test/session/wallets");
        // ICU versions differ in which space they put between code and number.
        Assert.Contains("USD 1.229,00", portuguese.Text.Replace('\u202f', ' ').Replace('\u00a0', ' '), StringComparison.Ordinal);
        Assert.Contains("Ajuste", portuguese.Text, StringComparison.Ordinal);
        // The engine's own reasons are read in the customer's language; the merchant's are shown as typed.
        Assert.Contains("Usado em um pagamento de assinatura", portuguese.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Subscription payment", portuguese.Text, StringComparison.Ordinal);
        Assert.Contains("Welcome gift", portuguese.Text, StringComparison.Ordinal);
        Assert.Matches(DayMonthYear(), portuguese.Text);
    }

    [Fact]
    public async Task The_ledger_pages_and_filters_by_currency()
    {
        var business = await app.CreateBusinessAsync();
        var (client, id, _) = await PortalTestData.SignedInAsync(app, business.Test);
        using var _client = client;
        for (var i = 1; i <= 23; i++)
        {
            await business.Test.PostEntryAsync(id, new { amount = i * 100, currency = "USD", entry_type = "credit", reason = $"usd-entry-{i:D2}" });
        }
        await business.Test.PostEntryAsync(id, new { amount = 100, currency = "INR", entry_type = "credit", reason = "inr-entry" });

        var first = await client.GetAsync("/test/session/wallets");
        Assert.Equal(20, EntryReasons(first.Text).Count);
        Assert.Equal("inr-entry", EntryReasons(first.Text)[0]);
        Assert.Null(LinkTo(first.Html, "prev"));

        // Each step follows the link the page itself offers, as a browser would.
        Assert.Equal("/test/session/wallets?page_number=1", LinkTo(first.Html, "next"));
        var second = await client.GetAsync(LinkTo(first.Html, "next")!);
        Assert.Equal(["usd-entry-04", "usd-entry-03", "usd-entry-02", "usd-entry-01"], EntryReasons(second.Text));
        Assert.Null(LinkTo(second.Html, "next"));
        Assert.Equal("/test/session/wallets?page_number=0", LinkTo(second.Html, "prev"));

        Assert.Equal("/test/session/wallets?currency=INR", FilterLink(first.Html, "INR"));
        var inr = await client.GetAsync(FilterLink(first.Html, "INR")!);
        Assert.Equal(["inr-entry"], EntryReasons(inr.Text));
        Assert.Null(LinkTo(inr.Html, "next"));
        Assert.Equal("/test/session/wallets", FilterLink(inr.Html, "All currencies"));

        // Paging keeps the currency filter.
        var usd = await client.GetAsync(FilterLink(first.Html, "USD")!);
        Assert.Equal("/test/session/wallets?currency=USD&page_number=1", LinkTo(usd.Html, "next"));
        var usdOlder = await client.GetAsync(LinkTo(usd.Html, "next")!);
        Assert.Equal(["usd-entry-03", "usd-entry-02", "usd-entry-01"], EntryReasons(usdOlder.Text));
    }

    private static string? LinkTo(string html, string rel) =>
        Regex.Match(html, $@"<a href=""([^""]*)"" rel=""{rel}"">") is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;

    private static string? FilterLink(string html, string label) =>
        Regex.Match(html, $@"<a href=""([^""]*)""[^>]*>{Regex.Escape(label)}</a>") is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;

    [Fact]
    public async Task Another_customers_wallet_is_never_shown()
    {
        var business = await app.CreateBusinessAsync();
        var (alice, _, _) = await PortalTestData.SignedInAsync(app, business.Test, "Alice");
        using var _alice = alice;
        var bob = await PortalTestData.CreateCustomerAsync(business.Test, name: "Bob");
        await business.Test.PostEntryAsync(bob.Str("customer_id"), new { amount = 777700, currency = "USD", entry_type = "credit", reason = "bob-only" });

        var page = await alice.GetAsync($"/test/session/wallets?customer_id={bob.Str("customer_id")}");
        Assert.DoesNotContain("bob-only", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("7,777.00", page.Text, StringComparison.Ordinal);
        Assert.Contains("No entries yet.", page.Text, StringComparison.Ordinal);
    }

    private static List<string> EntryReasons(string text) => [.. Regex.Matches(text, @"(usd-entry-\d\d|inr-entry)").Select(m => m.Value)];

    [GeneratedRegex(@"\d{2}/\d{2}/\d{4}")]
    private static partial Regex DayMonthYear();
}
