using Clientele.Features.Dashboard.Customers;
using Clientele.Primitives;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Tests.Dashboard.Customers;

/// <summary>The list behind the Customers page over real PostgreSQL: search, filters, sorting, pages and totals, per tenant.</summary>
public sealed class CustomerListTests(AppFixture app)
{
    private static readonly DateTime Day = new(2026, 3, 10, 12, 0, 0, DateTimeKind.Utc);

    private CustomerList List => app.Services.GetRequiredService<CustomerList>();

    private async Task<CustomerListPage> PageAsync(string businessId, string queryString, Mode mode = Mode.Test, IReadOnlyList<CustomerColumn>? columns = null)
    {
        var query = Assert.IsType<CustomerListQueryOutcome.Parsed>(CustomerListQuery.Parse(queryString)).Query;
        return await List.ListAsync(new Tenant(businessId, mode), query, columns ?? query.Columns ?? CustomerColumns.Default, CancellationToken.None);
    }

    private static List<string> Names(CustomerListPage page) => [.. page.Rows.Select(r => r.Name)];

    private async Task<string> BusinessAsync() => (await app.CreateBusinessAsync()).Id;

    [Fact]
    public async Task Search_by_part_of_a_name_ignores_case()
    {
        var business = await BusinessAsync();
        await CustomerSeed.AddAsync(business, "Ada Lovelace", createdAt: Day);
        await CustomerSeed.AddAsync(business, "Grace Hopper", createdAt: Day.AddMinutes(1));
        await CustomerSeed.AddAsync(business, "LOVELACE junior", createdAt: Day.AddMinutes(2));
        await CustomerSeed.AddAsync(business, "100% Pure_Name", createdAt: Day.AddMinutes(3));

        Assert.Equal(["LOVELACE junior", "Ada Lovelace"], Names(await PageAsync(business, "q=lovel")));
        Assert.Equal(["Grace Hopper"], Names(await PageAsync(business, "q=HOP")));
        // LIKE's wildcards are searched for literally.
        Assert.Equal(["100% Pure_Name"], Names(await PageAsync(business, "q=0%25 Pure_")));
        Assert.Empty((await PageAsync(business, "q=e_l")).Rows);
    }

    [Fact]
    public async Task Search_by_email_matches_the_whole_address_in_any_case()
    {
        var business = await BusinessAsync();
        var email = $"ada-{Guid.NewGuid():N}@Example.com";
        var id = await CustomerSeed.AddAsync(business, "Ada", email);
        await CustomerSeed.AddAsync(business, "Other", "x" + email);

        var page = await PageAsync(business, "q=" + Uri.EscapeDataString(email.ToUpperInvariant()));
        Assert.Equal([id], page.Rows.Select(r => r.Id));
        Assert.Equal(email, page.Rows[0].Email);
        Assert.Empty((await PageAsync(business, "q=" + Uri.EscapeDataString(email[..^4]))).Rows);
    }

    [Fact]
    public async Task Search_by_customer_id_is_exact()
    {
        var business = await BusinessAsync();
        var id = await CustomerSeed.AddAsync(business, "Ada");
        await CustomerSeed.AddAsync(business, "Grace");

        Assert.Equal([id], (await PageAsync(business, "q=" + id)).Rows.Select(r => r.Id));
        Assert.Empty((await PageAsync(business, "q=" + id[..^2])).Rows);
        Assert.Equal(new CustomerListTotal(1, CustomerTotalKind.Exact), (await PageAsync(business, "q=" + id)).Total);
    }

    [Fact]
    public async Task Another_business_or_the_other_mode_never_shows_up_in_any_search()
    {
        var business = await BusinessAsync();
        var other = await BusinessAsync();
        var email = $"shared-{Guid.NewGuid():N}@example.com";
        var mine = await CustomerSeed.AddAsync(business, "Tenant Mine", email);
        var theirs = await CustomerSeed.AddAsync(other, "Tenant Theirs", email);
        var live = await CustomerSeed.AddAsync(business, "Tenant Live", $"live-{email}", mode: Mode.Live);

        Assert.Equal([mine], (await PageAsync(business, "")).Rows.Select(r => r.Id));
        Assert.Equal([mine], (await PageAsync(business, "q=tenant")).Rows.Select(r => r.Id));
        Assert.Equal([mine], (await PageAsync(business, "q=" + Uri.EscapeDataString(email))).Rows.Select(r => r.Id));
        Assert.Empty((await PageAsync(business, "q=" + theirs)).Rows);
        Assert.Empty((await PageAsync(business, "q=" + live)).Rows);
        Assert.Equal([live], (await PageAsync(business, "", Mode.Live)).Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task The_created_range_is_whole_utc_days_with_both_ends_included()
    {
        var business = await BusinessAsync();
        await CustomerSeed.AddAsync(business, "Before", createdAt: new DateTime(2026, 2, 28, 23, 59, 59, DateTimeKind.Utc));
        await CustomerSeed.AddAsync(business, "First", createdAt: new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        await CustomerSeed.AddAsync(business, "Last", createdAt: new DateTime(2026, 3, 2, 23, 59, 59, DateTimeKind.Utc));
        await CustomerSeed.AddAsync(business, "After", createdAt: new DateTime(2026, 3, 3, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(["Last", "First"], Names(await PageAsync(business, "created_from=2026-03-01&created_to=2026-03-02")));
        Assert.Equal(["After", "Last", "First"], Names(await PageAsync(business, "created_from=2026-03-01")));
        Assert.Equal(["Before"], Names(await PageAsync(business, "created_to=2026-02-28")));
    }

    [Fact]
    public async Task The_subscription_filters_find_customers_with_an_active_or_an_on_hold_subscription()
    {
        var business = await app.CreateBusinessAsync();
        var driver = new Subscriptions.SubscriptionDriver(app, business);
        var product = await driver.ProductAsync(900);
        var active = (await driver.SubscribeAsync(product))["customer"]!["customer_id"]!.GetValue<string>();
        var onHold = await driver.SubscribeAsync(product);
        await CustomerSeed.ExecuteAsync("UPDATE subscriptions SET status = 'on_hold', on_hold_at = now() WHERE id = @id",
            new { id = onHold.Str("subscription_id") });
        var onHoldCustomer = onHold["customer"]!["customer_id"]!.GetValue<string>();
        await CustomerSeed.AddAsync(business.Id, "No subscription");

        Assert.Equal([active], (await PageAsync(business.Id, "subscription=active")).Rows.Select(r => r.Id));
        Assert.Equal([onHoldCustomer], (await PageAsync(business.Id, "subscription=on_hold")).Rows.Select(r => r.Id));
        Assert.Equal(3, (await PageAsync(business.Id, "")).Total.Count);
    }

    [Fact]
    public async Task The_optional_columns_are_computed_for_the_page_and_left_out_when_not_asked_for()
    {
        var business = await app.CreateBusinessAsync();
        var driver = new Subscriptions.SubscriptionDriver(app, business);
        var subscription = await driver.SubscribeAsync(await driver.ProductAsync(900));
        var payer = subscription["customer"]!["customer_id"]!.GetValue<string>();
        var idle = await CustomerSeed.AddAsync(business.Id, "Idle", createdAt: DateTime.UtcNow.AddDays(-1));
        await business.Test.PostJsonAsync($"/customers/{payer}/wallets/ledger-entries", new { amount = 250, currency = "EUR", entry_type = "credit" });

        var page = await PageAsync(business.Id, "columns=name,total_spent,active_subscriptions,wallet_balances,last_payment");
        var paid = page.Rows.Single(r => r.Id == payer);
        Assert.Equal(1, paid.ActiveSubscriptions);
        Assert.Equal([Money.Of(250, "EUR")], paid.WalletBalances);
        var last = Assert.IsType<CustomerLastPayment>(paid.LastPayment);
        Assert.Equal("USD", last.Amount.Code);
        Assert.True(last.Amount.Amount >= 900);
        Assert.Equal([last.Amount], paid.TotalSpent);
        var none = page.Rows.Single(r => r.Id == idle);
        Assert.Equal((0, 0, 0, (CustomerLastPayment?)null), (none.ActiveSubscriptions, none.TotalSpent!.Count, none.WalletBalances!.Count, none.LastPayment));

        var plain = (await PageAsync(business.Id, "")).Rows.Single(r => r.Id == payer);
        Assert.Equal((null, null, null, null), (plain.ActiveSubscriptions, plain.TotalSpent, plain.WalletBalances, plain.LastPayment));
    }

    [Fact]
    public async Task The_wallet_filter_finds_customers_whose_wallet_holds_money()
    {
        var business = await app.CreateBusinessAsync();
        var rich = await CustomerSeed.AddAsync(business.Id, "Rich");
        var emptied = await CustomerSeed.AddAsync(business.Id, "Emptied");
        await CustomerSeed.AddAsync(business.Id, "Never");
        await business.Test.PostJsonAsync($"/customers/{rich}/wallets/ledger-entries", new { amount = 500, currency = "USD", entry_type = "credit" });
        await business.Test.PostJsonAsync($"/customers/{emptied}/wallets/ledger-entries", new { amount = 300, currency = "EUR", entry_type = "credit" });
        await business.Test.PostJsonAsync($"/customers/{emptied}/wallets/ledger-entries", new { amount = 300, currency = "EUR", entry_type = "debit" });

        var page = await PageAsync(business.Id, "has_wallet_balance=true", columns: [CustomerColumn.Name, CustomerColumn.WalletBalances]);
        Assert.Equal([rich], page.Rows.Select(r => r.Id));
        Assert.Equal([Money.Of(500, "USD")], page.Rows[0].WalletBalances);
    }

    [Fact]
    public async Task Sorting_by_name_or_created_at_either_way_is_stable_on_ties()
    {
        var business = await BusinessAsync();
        var b1 = await CustomerSeed.AddAsync(business, "bob", createdAt: Day);
        var b2 = await CustomerSeed.AddAsync(business, "Bob", createdAt: Day);
        await CustomerSeed.AddAsync(business, "alice", createdAt: Day.AddDays(1));
        await CustomerSeed.AddAsync(business, "Carol", createdAt: Day.AddDays(-1));
        var bobs = new[] { b1, b2 }.Order(StringComparer.Ordinal).ToList();

        var byName = await PageAsync(business, "sort=name");
        Assert.Equal(["alice", "bob", "bob", "carol"], byName.Rows.Select(r => r.Name.ToLowerInvariant()));
        Assert.Equal(bobs, byName.Rows.Skip(1).Take(2).Select(r => r.Id));
        var byNameDesc = await PageAsync(business, "sort=name&order=desc");
        Assert.Equal(byName.Rows.Reverse().Select(r => r.Id), byNameDesc.Rows.Select(r => r.Id));

        var newest = await PageAsync(business, "");
        Assert.Equal("alice", newest.Rows[0].Name);
        Assert.Equal("Carol", newest.Rows[^1].Name);
        Assert.Equal(bobs.AsEnumerable().Reverse(), newest.Rows.Skip(1).Take(2).Select(r => r.Id));
        var oldest = await PageAsync(business, "order=asc");
        Assert.Equal(newest.Rows.Reverse().Select(r => r.Id), oldest.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Pages_walk_the_whole_list_once_with_an_exact_total_and_past_the_end_is_empty()
    {
        var business = await BusinessAsync();
        await CustomerSeed.AddManyAsync(business, 23);

        var seen = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var result = await PageAsync(business, $"page={page}");
            Assert.Equal(new CustomerListTotal(23, CustomerTotalKind.Exact), result.Total);
            Assert.Equal(3, result.LastPage);
            Assert.Equal(page < 3, result.HasNextPage);
            Assert.Equal(page > 1, result.HasPreviousPage);
            seen.AddRange(result.Rows.Select(r => r.Name));
        }
        Assert.Equal(Enumerable.Range(1, 23).Select(n => $"Bulk {n}"), seen);
        var past = await PageAsync(business, "page=4");
        Assert.Empty(past.Rows);
        Assert.False(past.HasNextPage);
        Assert.Equal(23, (await PageAsync(business, "page_size=25")).Rows.Count);
        Assert.Equal("?page=3&page_size=25", (await PageAsync(business, "page_size=25&page=2")).LinkTo(3));
    }

    [Fact]
    public async Task Beyond_a_thousand_matches_the_total_is_not_counted_and_says_so_but_the_last_page_is_exact()
    {
        var business = await BusinessAsync();
        await CustomerSeed.AddManyAsync(business, 12_005);
        await CustomerSeed.ExecuteAsync("ANALYZE customers", new { });

        var page = await PageAsync(business, "page=1001");
        Assert.NotEqual(CustomerTotalKind.Exact, page.Total.Kind);
        // An estimate (about 12,000), or "more than" the 10,010 rows up to this page when the estimate says fewer.
        Assert.InRange(page.Total.Count, 5_000, 20_000);
        Assert.Matches(@"^(~\d{1,3}(,\d{3})*|\d{1,3}(,\d{3})*\+)$", page.Total.ToString());
        Assert.Null(page.LastPage);
        Assert.True(page.HasNextPage);
        Assert.Equal(["Bulk 10001", "Bulk 10002"], Names(page).Take(2));

        // On the last page the total is what the pages hold, exactly, at no cost.
        var last = await PageAsync(business, "page=121&page_size=100");
        Assert.Equal(new CustomerListTotal(12_005, CustomerTotalKind.Exact), last.Total);
        Assert.Equal(5, last.Rows.Count);
        // Narrower searches count exactly again.
        Assert.Equal(new CustomerListTotal(11, CustomerTotalKind.Exact), (await PageAsync(business, "q=bulk 1000&page_size=25")).Total);
    }

    [Fact]
    public void An_estimate_below_the_rows_already_shown_says_more_than_them_and_an_exact_total_stays()
    {
        Assert.Equal(new CustomerListTotal(1_010, CustomerTotalKind.AtLeast), CustomerListTotal.Estimate(200).AtLeast(1_010));
        Assert.Equal("1,010+", CustomerListTotal.Estimate(200).AtLeast(1_010).ToString());
        Assert.Equal(CustomerListTotal.Estimate(5_000), CustomerListTotal.Estimate(5_000).AtLeast(1_010));
        Assert.Equal(new CustomerListTotal(1_000, CustomerTotalKind.AtLeast), CustomerListTotal.Bounded(1_001).AtLeast(20));
        Assert.Equal(new CustomerListTotal(7, CustomerTotalKind.Exact), CustomerListTotal.Bounded(7).AtLeast(20));
    }

    [Theory]
    [InlineData(1_003_456, "~1,000,000")]
    [InlineData(12_345, "~12,000")]
    [InlineData(95_500, "~96,000")]
    [InlineData(0.4, "~1")]
    public void Estimates_are_rounded_to_two_significant_digits(double rows, string shown) =>
        Assert.Equal(shown, CustomerListTotal.Estimate(rows).ToString());
}
