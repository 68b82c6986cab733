using System.Globalization;
using Clientele.Primitives;

namespace Clientele.Features.Dashboard.Customers;

/// <summary>
/// One customer in the list. The optional columns are null when they were not asked for (and an
/// empty list or zero when asked for and there is nothing).
/// </summary>
public sealed record CustomerListRow(string Id, string Name, string Email, string? PhoneNumber, DateTime CreatedAt)
{
    /// <summary>Net of refunds, per currency (succeeded payments only).</summary>
    public IReadOnlyList<Money>? TotalSpent { get; init; }

    public int? ActiveSubscriptions { get; init; }

    /// <summary>The wallets that hold money, per currency.</summary>
    public IReadOnlyList<Money>? WalletBalances { get; init; }

    /// <summary>The latest succeeded payment; null when none (or when not asked for).</summary>
    public CustomerLastPayment? LastPayment { get; init; }

    /// <summary>Up to two letters for the avatar: the first letters of the first and last words of the name (else of the e-mail).</summary>
    public string Initials => InitialsOf(Name, Email);

    public static string InitialsOf(string name, string email)
    {
        var words = name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return email.Length == 0 ? "?" : FirstLetter(email);
        }
        return words.Length == 1 ? FirstLetter(words[0]) : FirstLetter(words[0]) + FirstLetter(words[^1]);
    }

    // A whole text element, so "Émile" gives "É" and an emoji or a surrogate pair is not cut in half.
    private static string FirstLetter(string word) =>
        StringInfo.GetNextTextElementLength(word) is var length and > 0 ? word[..length].ToUpperInvariant() : "";
}

public sealed record CustomerLastPayment(DateTime At, Money Amount);

public enum CustomerTotalKind
{
    /// <summary>Counted: "1,234".</summary>
    Exact,
    /// <summary>At least this many, and more: counting stopped at the bound ("more than 1,000").</summary>
    AtLeast,
    /// <summary>PostgreSQL's planner estimate, rounded to two significant digits ("about 1,000,000").</summary>
    Estimated,
}

/// <summary>
/// How many customers match, without ever counting a million rows on a page view:
/// exact when the page shows the end of the list (offset + rows, no count at all) or when the
/// planner expects at most <see cref="Bound"/> matches (then counted, stopping at Bound + 1: a
/// miscount shows "more than 1,000"); otherwise the planner's estimate ("about 90,000"), which costs
/// planning only. An estimate below what the pages already show becomes "more than" what they show.
/// </summary>
public sealed record CustomerListTotal(long Count, CustomerTotalKind Kind)
{
    /// <summary>
    /// Counting more than this would cost more than the page: a semi-join filter (subscription, wallet)
    /// probes once per candidate, and 10,000 correlated matches took a second at 1M customers.
    /// </summary>
    public const int Bound = 1_000;

    public bool IsExact => Kind == CustomerTotalKind.Exact;

    /// <summary>"1,234", "1,000+" or "~90,000" in the culture's digits (a page words the last two itself, from <see cref="Kind"/>).</summary>
    public string Display(CultureInfo culture) => Kind switch
    {
        CustomerTotalKind.Exact => Count.ToString("N0", culture),
        CustomerTotalKind.AtLeast => Count.ToString("N0", culture) + "+",
        _ => "~" + Count.ToString("N0", culture),
    };

    public override string ToString() => Display(CultureInfo.InvariantCulture);

    internal static CustomerListTotal Bounded(long counted) =>
        counted > Bound ? new(Bound, CustomerTotalKind.AtLeast) : new(counted, CustomerTotalKind.Exact);

    internal static CustomerListTotal Estimate(double rows)
    {
        var value = (long)Math.Round(rows);
        var digits = (int)Math.Floor(Math.Log10(Math.Max(1, value))) + 1;
        var unit = (long)Math.Pow(10, Math.Max(0, digits - 2));
        return new(Math.Max(1, (value + unit / 2) / unit * unit), CustomerTotalKind.Estimated);
    }

    /// <summary>This total, or "more than <paramref name="shown"/>" when it says less than the pages already hold.</summary>
    internal CustomerListTotal AtLeast(long shown) =>
        Kind != CustomerTotalKind.Exact && Count <= shown ? new(shown, CustomerTotalKind.AtLeast) : this;
}

/// <summary>One page of the list and what the page needs to draw its pager.</summary>
public sealed record CustomerListPage(
    CustomerListQuery Query,
    IReadOnlyList<CustomerColumn> Columns,
    IReadOnlyList<CustomerListRow> Rows,
    CustomerListTotal Total,
    bool HasNextPage)
{
    public bool HasPreviousPage => Query.Page > 1;

    /// <summary>The last page's number when the total is exact; null when it is bounded ("10,000+").</summary>
    public int? LastPage => Total.IsExact ? (int)Math.Max(1, (Total.Count + Query.PageSize - 1) / Query.PageSize) : null;

    /// <summary>The link for another page of the same list: <c>page.LinkTo(3)</c> → "?page=3&amp;…".</summary>
    public string LinkTo(int pageNumber) => (Query with { Page = Math.Clamp(pageNumber, 1, CustomerListQuery.MaxPage) }).ToQueryString();
}
