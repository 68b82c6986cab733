using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Clientele.Features.Dashboard.Customers;

public enum CustomerSort
{
    CreatedAt,
    Name,
}

public enum SubscriptionFilter
{
    Active,
    OnHold,
}

/// <summary>What the one search box searches by, decided from the text itself.</summary>
public enum CustomerSearchKind
{
    None,
    /// <summary>Partial and case-insensitive (trigram index).</summary>
    Name,
    /// <summary>Text with an '@': the whole address, case-insensitive (the unique e-mail index).</summary>
    Email,
    /// <summary>Text starting with "cus_": exactly that customer.</summary>
    CustomerId,
}

/// <summary>
/// The whole state of the Customers page, as it lives in the URL (shareable; the back button works).
/// <see cref="Parse(IEnumerable{KeyValuePair{string, StringValues}})"/> reads it from a query string
/// (unknown parameters are ignored, so handler names and the like pass through) and
/// <see cref="ToQueryString"/> writes it back canonically, leaving defaults out.
/// <see cref="Page"/> is 1-based here (people read it); the REST API's page_number is 0-based.
/// Dates are whole UTC days, both ends inclusive. <see cref="Columns"/> null means "the user's
/// preference, else the default".
/// </summary>
public sealed record CustomerListQuery
{
    public const int MaxSearchLength = 200;
    public const int MaxPage = 100_000;
    public static readonly IReadOnlyList<int> PageSizes = [10, 25, 50, 100];

    public string? Search { get; init; }
    public DateOnly? CreatedFrom { get; init; }
    public DateOnly? CreatedTo { get; init; }
    public SubscriptionFilter? Subscription { get; init; }
    public bool HasWalletBalance { get; init; }
    public CustomerSort Sort { get; init; } = CustomerSort.CreatedAt;
    /// <summary>Descending by default for created_at (newest first), ascending for name (A→Z).</summary>
    public bool Descending { get; init; } = true;
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 10;
    public IReadOnlyList<CustomerColumn>? Columns { get; init; }

    public static CustomerListQuery Default { get; } = new();

    public CustomerSearchKind SearchKind => Search switch
    {
        null => CustomerSearchKind.None,
        var s when s.StartsWith("cus_", StringComparison.Ordinal) => CustomerSearchKind.CustomerId,
        var s when s.Contains('@', StringComparison.Ordinal) => CustomerSearchKind.Email,
        _ => CustomerSearchKind.Name,
    };

    /// <summary>True when any search or filter narrows the list (the empty state differs).</summary>
    public bool IsFiltered => Search is not null || CreatedFrom is not null || CreatedTo is not null || Subscription is not null || HasWalletBalance;

    /// <summary>The same search, filters, sort and size, on page 1: what a changed filter should link to.</summary>
    public CustomerListQuery FirstPage => this with { Page = 1 };

    public static CustomerListQueryOutcome Parse(string queryString) => Parse(QueryHelpers.ParseQuery(queryString));

    public static CustomerListQueryOutcome Parse(IEnumerable<KeyValuePair<string, StringValues>> parameters) =>
        CustomerListQueryParser.Parse(parameters);

    /// <summary>"?q=…&amp;sort=name" (or "" for the defaults); pass <paramref name="withColumns"/> false to leave the columns out.</summary>
    public string ToQueryString(bool withColumns = true)
    {
        var parts = new List<string>();
        void Add(string key, string value) => parts.Add(key + "=" + Uri.EscapeDataString(value));
        if (Search is not null)
        {
            Add("q", Search);
        }
        if (CreatedFrom is { } from)
        {
            Add("created_from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        if (CreatedTo is { } to)
        {
            Add("created_to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        if (Subscription is { } subscription)
        {
            Add("subscription", subscription == SubscriptionFilter.Active ? "active" : "on_hold");
        }
        if (HasWalletBalance)
        {
            Add("has_wallet_balance", "true");
        }
        if (Sort != CustomerSort.CreatedAt)
        {
            Add("sort", "name");
        }
        if (Descending != DefaultDescending(Sort))
        {
            Add("order", Descending ? "desc" : "asc");
        }
        if (Page != 1)
        {
            Add("page", Page.ToString(CultureInfo.InvariantCulture));
        }
        if (PageSize != 10)
        {
            Add("page_size", PageSize.ToString(CultureInfo.InvariantCulture));
        }
        if (withColumns && Columns is not null)
        {
            // Column keys are [a-z_] only: the commas stay readable in a shared link.
            parts.Add("columns=" + CustomerColumns.ToList(Columns));
        }
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    public override string ToString() => ToQueryString();

    internal static bool DefaultDescending(CustomerSort sort) => sort == CustomerSort.CreatedAt;

    /// <summary>The offset of the page's first row.</summary>
    internal long Offset => (long)(Page - 1) * PageSize;

    /// <summary>Equality by the canonical URL, so lists of columns compare by content.</summary>
    public bool Equals(CustomerListQuery? other) => other is not null && ToQueryString() == other.ToQueryString();

    public override int GetHashCode() => ToQueryString().GetHashCode(StringComparison.Ordinal);
}

/// <summary>A query string read as a <see cref="CustomerListQuery"/>, or the first field that is wrong.</summary>
public abstract record CustomerListQueryOutcome
{
    public sealed record Parsed(CustomerListQuery Query) : CustomerListQueryOutcome;

    /// <summary><paramref name="Field"/> is the URL parameter (q, created_from, …, columns); <paramref name="Message"/> is English for logs and the page's fallback.</summary>
    public sealed record Invalid(string Field, string Message) : CustomerListQueryOutcome;
}
