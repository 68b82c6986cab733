using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Portal;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Dashboard.CustomerDetail;

/// <summary>The credit ledger tab: balances and entries, Add credit / Deduct through the API's operation, one entry per rendered form.</summary>
public sealed partial class LedgerTabTests(AppFixture app)
{
    [Fact]
    public async Task Credit_then_deduct_in_major_units_shows_balance_and_entries()
    {
        var (business, customer, client) = await SetUpAsync(DashboardRole.Support);
        var credited = await AdjustAsync(client, customer, "credit", "12.50", "USD", "Goodwill");
        Assert.Equal(HttpStatusCode.Redirect, credited.Status);
        Assert.Equal($"/dashboard/customers/{customer}/credits?currency=USD&notice=credited", credited.Location);
        var debited = await AdjustAsync(client, customer, "debit", "2", "USD", null);
        Assert.Equal(HttpStatusCode.Redirect, debited.Status);

        var page = await client.GetAsync($"/dashboard/customers/{customer}/credits");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("$10.50", page.Text);
        Assert.Contains("$12.50 → $10.50", page.Text);
        Assert.Contains("$0.00 → $12.50", page.Text);
        Assert.Contains("Goodwill", page.Text);
        var wallet = await business.Test.GetJsonAsync($"/customers/{customer}/wallets");
        Assert.Equal(1050, wallet["items"]!.AsArray().Single(w => w!["currency"]!.GetValue<string>() == "USD")!["balance"]!.GetValue<long>());

        // Yen has no minor unit: 1500 is 1500 minor units, and 15.5 is refused next to the amount.
        Assert.Equal(HttpStatusCode.Redirect, (await AdjustAsync(client, customer, "credit", "1500", "JPY", null)).Status);
        var refused = await AdjustAsync(client, customer, "credit", "15.5", "JPY", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("id=\"led-amount-error\"", refused.Html);
        Assert.Contains("This currency has no decimals", refused.Text);
        Assert.Equal(1500, await BalanceAsync(business.Id, customer, "JPY"));
    }

    [Fact]
    public async Task The_same_rendered_form_sent_twice_makes_one_entry()
    {
        var (business, customer, client) = await SetUpAsync(DashboardRole.Owner);
        var form = await client.GetAsync($"/dashboard/customers/{customer}/credits");
        var key = KeyIn(form.Html);
        var fields = Fields("credit", "5.00", "USD", "Twice", key);
        var first = client.PostFormAsync($"/dashboard/customers/{customer}/credits?handler=Adjust", fields);
        var second = client.PostFormAsync($"/dashboard/customers/{customer}/credits?handler=Adjust", fields);
        var answers = await Task.WhenAll(first, second);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.Status));
        Assert.Equal(1, await EntryCountAsync(business.Id, customer));
        Assert.Equal(500, await BalanceAsync(business.Id, customer, "USD"));
        // Each rendering carries a new key.
        Assert.NotEqual(key, KeyIn((await client.GetAsync($"/dashboard/customers/{customer}/credits")).Html));
    }

    [Fact]
    public async Task An_overdraft_is_refused_next_to_the_amount_and_changes_nothing()
    {
        var (business, customer, client) = await SetUpAsync(DashboardRole.Support);
        Assert.Equal(HttpStatusCode.Redirect, (await AdjustAsync(client, customer, "credit", "3", "EUR", null)).Status);
        var refused = await AdjustAsync(client, customer, "debit", "3.01", "EUR", "Too much");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("Not enough balance", refused.Text);
        Assert.Matches("aria-describedby=\"led-amount-error", refused.Html);
        Assert.Contains("value=\"3.01\"", refused.Html);
        Assert.Equal(300, await BalanceAsync(business.Id, customer, "EUR"));
        Assert.Equal(1, await EntryCountAsync(business.Id, customer));
    }

    [Fact]
    public async Task Bad_fields_are_named_each_next_to_its_field()
    {
        var (_, customer, client) = await SetUpAsync(DashboardRole.Admin);
        var refused = await AdjustAsync(client, customer, "sideways", "-1", "usd1", new string('x', 501));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("Choose Add credit or Deduct.", refused.Text);
        Assert.Contains("id=\"led-currency-error\"", refused.Html);
        Assert.Contains("id=\"led-reason-error\"", refused.Html);
        var amount = await AdjustAsync(client, customer, "credit", "0", "USD", null);
        Assert.Contains("id=\"led-amount-error\"", amount.Html);
    }

    [Fact]
    public async Task A_viewer_cannot_adjust_and_another_business_customer_is_404()
    {
        var (business, customer, viewer) = await SetUpAsync(DashboardRole.Viewer);
        var page = await viewer.GetAsync($"/dashboard/customers/{customer}/credits");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain("handler=Adjust", page.Html);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostFormAsync($"/dashboard/customers/{customer}/credits?handler=Adjust",
            Fields("credit", "1", "USD", null, "dashboard:x"))).Status);
        Assert.Equal(0, await EntryCountAsync(business.Id, customer));

        var other = await app.CreateBusinessAsync("Ledger Other Co");
        var (owner, _, _) = await DashboardTestData.SignedInAsync(app, other.Id, DashboardRole.Owner);
        await owner.GetFollowingAsync("/dashboard");
        Assert.Equal(HttpStatusCode.NotFound, (await owner.PostFormAsync($"/dashboard/customers/{customer}/credits?handler=Adjust",
            Fields("credit", "1", "USD", null, "dashboard:y"))).Status);
        Assert.Equal(0, await EntryCountAsync(business.Id, customer));
    }

    [Fact]
    public async Task Entries_page_by_keyset_and_filter_by_currency()
    {
        var (business, customer, client) = await SetUpAsync(DashboardRole.Owner);
        for (var i = 1; i <= 27; i++)
        {
            using var response = await business.Test.PostAsJsonAsync($"/customers/{customer}/wallets/ledger-entries",
                new { amount = i, currency = "USD", entry_type = "credit", reason = $"r{i}" });
            response.EnsureSuccessStatusCode();
        }
        using (var eur = await business.Test.PostAsJsonAsync($"/customers/{customer}/wallets/ledger-entries", new { amount = 9, currency = "EUR", entry_type = "credit", reason = "euro" }))
        {
            eur.EnsureSuccessStatusCode();
        }
        var first = await client.GetAsync($"/dashboard/customers/{customer}/credits");
        Assert.Contains(">euro<", first.Html);
        Assert.Contains(">r4<", first.Html);
        Assert.DoesNotContain(">r3<", first.Html);
        var older = OlderLink().Match(first.Html);
        Assert.True(older.Success);
        var second = await client.GetAsync(WebUtility.HtmlDecode(older.Groups[1].Value));
        Assert.Contains(">r3<", second.Html);
        Assert.Contains(">r1<", second.Html);
        Assert.DoesNotContain(">r4<", second.Html);
        Assert.DoesNotMatch(OlderLink(), second.Html);

        var usdOnly = await client.GetAsync($"/dashboard/customers/{customer}/credits?currency=USD");
        Assert.DoesNotContain(">euro<", usdOnly.Html);
        var wrong = await client.GetAsync($"/dashboard/customers/{customer}/credits?currency=usd");
        Assert.Equal(HttpStatusCode.OK, wrong.Status);
        Assert.Contains("not a currency code", wrong.Text);
    }

    private async Task<(TestBusiness Business, string CustomerId, PortalClient Client)> SetUpAsync(DashboardRole role)
    {
        var business = await app.CreateBusinessAsync("Ledger Tab Co");
        var customer = (await PortalTestData.CreateCustomerAsync(business.Test, DashboardTestData.UniqueEmail("ada"), "Ada Lovelace")).Str("customer_id");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, role);
        return (business, customer, client);
    }

    private static async Task<Page> AdjustAsync(PortalClient client, string customer, string type, string amount, string currency, string? reason)
    {
        var form = await client.GetAsync($"/dashboard/customers/{customer}/credits");
        return await client.PostFormAsync($"/dashboard/customers/{customer}/credits?handler=Adjust", Fields(type, amount, currency, reason, KeyIn(form.Html)));
    }

    private static Dictionary<string, string> Fields(string type, string amount, string currency, string? reason, string key) => new()
    {
        ["EntryType"] = type,
        ["Amount"] = amount,
        ["Currency"] = currency,
        ["Reason"] = reason ?? "",
        ["IdempotencyKey"] = key,
    };

    private static string KeyIn(string html) => KeyPattern().Match(html).Groups[1].Value;

    private async Task<long> BalanceAsync(string businessId, string customerId, string currency)
    {
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT coalesce(sum(balance), 0) FROM wallets WHERE business_id = @businessId AND mode = 'test' AND customer_id = @customerId AND currency = @currency",
            new { businessId, customerId, currency });
    }

    private async Task<long> EntryCountAsync(string businessId, string customerId)
    {
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM wallet_ledger_entries WHERE business_id = @businessId AND customer_id = @customerId", new { businessId, customerId });
    }

    [GeneratedRegex("name=\"IdempotencyKey\" value=\"([^\"]+)\"")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("href=\"([^\"]*before=[0-9]+[^\"]*)\"")]
    private static partial Regex OlderLink();
}
