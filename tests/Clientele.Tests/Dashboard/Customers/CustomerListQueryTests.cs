using Clientele.Features.Dashboard.Customers;

namespace Clientele.Tests.Dashboard.Customers;

/// <summary>The Customers page's whole state lives in its URL: read strictly, written back canonically.</summary>
public sealed class CustomerListQueryTests
{
    private static CustomerListQuery Parsed(string queryString) =>
        Assert.IsType<CustomerListQueryOutcome.Parsed>(CustomerListQuery.Parse(queryString)).Query;

    [Fact]
    public void An_empty_url_is_the_default_list_and_renders_as_nothing()
    {
        var query = Parsed("");
        Assert.Equal(CustomerListQuery.Default, query);
        Assert.Equal("", query.ToQueryString());
        Assert.Equal((CustomerSort.CreatedAt, true, 1, 10), (query.Sort, query.Descending, query.Page, query.PageSize));
        Assert.False(query.IsFiltered);
    }

    [Fact]
    public void Every_field_round_trips_through_the_url()
    {
        const string url = "?q=Ada%20Lovelace&created_from=2026-01-01&created_to=2026-01-31&subscription=on_hold&has_wallet_balance=true&sort=name&order=desc&page=3&page_size=50&columns=email,name,total_spent,last_payment";
        var query = Parsed(url);
        Assert.Equal("Ada Lovelace", query.Search);
        Assert.Equal(new DateOnly(2026, 1, 1), query.CreatedFrom);
        Assert.Equal(new DateOnly(2026, 1, 31), query.CreatedTo);
        Assert.Equal(SubscriptionFilter.OnHold, query.Subscription);
        Assert.True(query.HasWalletBalance);
        Assert.Equal((CustomerSort.Name, true, 3, 50), (query.Sort, query.Descending, query.Page, query.PageSize));
        Assert.Equal([CustomerColumn.Email, CustomerColumn.Name, CustomerColumn.TotalSpent, CustomerColumn.LastPayment], query.Columns);
        Assert.Equal(url, query.ToQueryString());
        Assert.Equal(query, Parsed(query.ToQueryString()));
        Assert.Equal(url.Replace("&columns=email,name,total_spent,last_payment", "", StringComparison.Ordinal), query.ToQueryString(withColumns: false));
    }

    [Fact]
    public void Defaults_are_left_out_of_the_url_and_blank_fields_count_as_absent()
    {
        var query = Parsed("q=+&sort=created_at&order=desc&page=1&page_size=10&subscription=&has_wallet_balance=false&handler=Report");
        Assert.Equal("", query.ToQueryString());
        Assert.Equal("?sort=name", Parsed("sort=name&order=asc").ToQueryString());
        Assert.Equal("?order=asc", Parsed("order=asc").ToQueryString());
    }

    [Fact]
    public void A_link_to_another_page_keeps_everything_else_and_a_changed_filter_goes_back_to_page_one()
    {
        var query = Parsed("q=ada&page=4&page_size=25");
        Assert.Equal("?q=ada&page=5&page_size=25", (query with { Page = 5 }).ToQueryString());
        Assert.Equal("?q=ada&page_size=25", query.FirstPage.ToQueryString());
    }

    [Theory]
    [InlineData("ada", CustomerSearchKind.Name)]
    [InlineData("  Lovelace ", CustomerSearchKind.Name)]
    [InlineData("ADA@Example.com", CustomerSearchKind.Email)]
    [InlineData("cus_abc123", CustomerSearchKind.CustomerId)]
    [InlineData("CUS_abc", CustomerSearchKind.Name)]
    public void The_search_box_decides_by_the_text_what_it_searches(string text, CustomerSearchKind kind) =>
        Assert.Equal(kind, Parsed("q=" + Uri.EscapeDataString(text)).SearchKind);

    [Theory]
    [InlineData("created_from=2026-13-01", "created_from")]
    [InlineData("created_to=yesterday", "created_to")]
    [InlineData("created_from=2026-02-01&created_to=2026-01-31", "created_to")]
    [InlineData("subscription=paused", "subscription")]
    [InlineData("has_wallet_balance=yes", "has_wallet_balance")]
    [InlineData("sort=email", "sort")]
    [InlineData("order=up", "order")]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=100001", "page")]
    [InlineData("page=2.5", "page")]
    [InlineData("page_size=20", "page_size")]
    [InlineData("page_size=1000", "page_size")]
    [InlineData("columns=name,password", "columns")]
    [InlineData("columns=name,name", "columns")]
    [InlineData("columns=,", "columns")]
    [InlineData("page=2&page=3", "page")]
    public void A_wrong_value_is_refused_naming_its_field(string queryString, string field)
    {
        var invalid = Assert.IsType<CustomerListQueryOutcome.Invalid>(CustomerListQuery.Parse(queryString));
        Assert.Equal(field, invalid.Field);
        Assert.False(string.IsNullOrWhiteSpace(invalid.Message));
    }

    [Fact]
    public void A_search_longer_than_the_limit_or_with_control_characters_is_refused()
    {
        Assert.Equal("q", Assert.IsType<CustomerListQueryOutcome.Invalid>(CustomerListQuery.Parse("q=" + new string('a', 201))).Field);
        Assert.Equal("q", Assert.IsType<CustomerListQueryOutcome.Invalid>(CustomerListQuery.Parse("q=a%00b")).Field);
        Assert.Equal(200, Parsed("q=" + new string('a', 200)).Search!.Length);
    }

    [Theory]
    [InlineData("Ada Lovelace", "", "AL")]
    [InlineData("ada  byron lovelace", "", "AL")]
    [InlineData("Émile", "", "É")]
    [InlineData("  ", "zed@example.com", "Z")]
    [InlineData("", "", "?")]
    public void Initials_for_the_avatar_come_from_the_first_and_last_words(string name, string email, string initials) =>
        Assert.Equal(initials, CustomerListRow.InitialsOf(name, email));
}
