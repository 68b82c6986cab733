using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Clientele.Features.Dashboard.Customers;

/// <summary>Reads the Customers page's URL; the first wrong field wins (a person fixes one thing at a time).</summary>
internal static class CustomerListQueryParser
{
    private sealed class InvalidField(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }

    public static CustomerListQueryOutcome Parse(IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in parameters)
        {
            if (value.Count > 1)
            {
                return new CustomerListQueryOutcome.Invalid(key, $"{key} is given {value.Count} times; give it once.");
            }
            values[key] = value.ToString();
        }
        try
        {
            var sort = Sort(values);
            var query = new CustomerListQuery
            {
                Search = Search(values),
                CreatedFrom = Date(values, "created_from"),
                CreatedTo = Date(values, "created_to"),
                Subscription = Subscription(values),
                HasWalletBalance = Flag(values, "has_wallet_balance"),
                Sort = sort,
                Descending = Order(values, sort),
                Page = Page(values),
                PageSize = PageSize(values),
                Columns = Columns(values),
            };
            if (query.CreatedFrom > query.CreatedTo)
            {
                throw new InvalidField("created_to", "created_to is before created_from.");
            }
            return new CustomerListQueryOutcome.Parsed(query);
        }
        catch (InvalidField invalid)
        {
            return new CustomerListQueryOutcome.Invalid(invalid.Field, invalid.Message);
        }
    }

    /// <summary>A parameter that is absent or blank counts as not given (an emptied form field).</summary>
    private static string? Given(Dictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static string? Search(Dictionary<string, string> values)
    {
        var search = Given(values, "q");
        if (search is { Length: > CustomerListQuery.MaxSearchLength })
        {
            throw new InvalidField("q", $"q is longer than {CustomerListQuery.MaxSearchLength} characters.");
        }
        if (search is not null && search.Any(char.IsControl))
        {
            throw new InvalidField("q", "q contains control characters.");
        }
        return search;
    }

    private static DateOnly? Date(Dictionary<string, string> values, string key) =>
        Given(values, key) is not { } text ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
        : throw new InvalidField(key, $"{key} must be a date such as 2026-01-31 (UTC).");

    private static SubscriptionFilter? Subscription(Dictionary<string, string> values) => Given(values, "subscription") switch
    {
        null => null,
        "active" => SubscriptionFilter.Active,
        "on_hold" => SubscriptionFilter.OnHold,
        _ => throw new InvalidField("subscription", "subscription must be active or on_hold."),
    };

    private static bool Flag(Dictionary<string, string> values, string key) => Given(values, key) switch
    {
        null or "false" => false,
        "true" => true,
        _ => throw new InvalidField(key, $"{key} must be true or false."),
    };

    private static CustomerSort Sort(Dictionary<string, string> values) => Given(values, "sort") switch
    {
        null or "created_at" => CustomerSort.CreatedAt,
        "name" => CustomerSort.Name,
        _ => throw new InvalidField("sort", "sort must be name or created_at."),
    };

    private static bool Order(Dictionary<string, string> values, CustomerSort sort) => Given(values, "order") switch
    {
        null => CustomerListQuery.DefaultDescending(sort),
        "desc" => true,
        "asc" => false,
        _ => throw new InvalidField("order", "order must be asc or desc."),
    };

    private static int Page(Dictionary<string, string> values) => Given(values, "page") switch
    {
        null => 1,
        var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page is >= 1 and <= CustomerListQuery.MaxPage => page,
        _ => throw new InvalidField("page", $"page must be a whole number from 1 to {CustomerListQuery.MaxPage}."),
    };

    private static int PageSize(Dictionary<string, string> values) => Given(values, "page_size") switch
    {
        null => 10,
        var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && CustomerListQuery.PageSizes.Contains(size) => size,
        _ => throw new InvalidField("page_size", "page_size must be 10, 25, 50 or 100."),
    };

    private static IReadOnlyList<CustomerColumn>? Columns(Dictionary<string, string> values)
    {
        if (Given(values, "columns") is not { } text)
        {
            return null;
        }
        var problem = CustomerColumns.TryParseList(text.Split(','), out var columns);
        return problem is null ? columns : throw new InvalidField("columns", problem);
    }
}
