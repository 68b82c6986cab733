namespace Clientele.Features.Dashboard.Customers;

/// <summary>
/// A column of the Customers list and its report. The first five are always available; the
/// optional ones are computed for the rows of one page (or one report batch) in the same query.
/// </summary>
public enum CustomerColumn
{
    Name,
    CustomerId,
    Email,
    Phone,
    CreatedAt,
    TotalSpent,
    ActiveSubscriptions,
    WalletBalances,
    LastPayment,
}

public static class CustomerColumns
{
    /// <summary>What a person sees before choosing: the fixed columns.</summary>
    public static IReadOnlyList<CustomerColumn> Default { get; } =
        [CustomerColumn.Name, CustomerColumn.CustomerId, CustomerColumn.Email, CustomerColumn.Phone, CustomerColumn.CreatedAt];

    public static IReadOnlyList<CustomerColumn> All { get; } = Enum.GetValues<CustomerColumn>();

    /// <summary>The key in URLs, preferences and the CSV header (stable; never localised).</summary>
    public static string Key(this CustomerColumn column) => column switch
    {
        CustomerColumn.Name => "name",
        CustomerColumn.CustomerId => "customer_id",
        CustomerColumn.Email => "email",
        CustomerColumn.Phone => "phone",
        CustomerColumn.CreatedAt => "created_at",
        CustomerColumn.TotalSpent => "total_spent",
        CustomerColumn.ActiveSubscriptions => "active_subscriptions",
        CustomerColumn.WalletBalances => "wallet_balances",
        CustomerColumn.LastPayment => "last_payment",
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    public static bool IsOptional(this CustomerColumn column) => column >= CustomerColumn.TotalSpent;

    public static bool TryParse(string? key, out CustomerColumn column)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Key(), key, StringComparison.Ordinal))
            {
                column = candidate;
                return true;
            }
        }
        column = default;
        return false;
    }

    /// <summary>
    /// Reads an ordered list of keys ("name,email,total_spent"): at least one, each known, none twice.
    /// Returns the problem, or null when <paramref name="columns"/> is set.
    /// </summary>
    public static string? TryParseList(IEnumerable<string> keys, out IReadOnlyList<CustomerColumn> columns)
    {
        var list = new List<CustomerColumn>();
        columns = list;
        foreach (var raw in keys)
        {
            var key = raw.Trim();
            if (!TryParse(key, out var column))
            {
                return $"'{Shorten(key)}' is not a column; use {string.Join(", ", All.Select(c => c.Key()))}.";
            }
            if (list.Contains(column))
            {
                return $"'{key}' is given twice.";
            }
            list.Add(column);
        }
        return list.Count == 0 ? "Choose at least one column." : null;
    }

    public static string ToList(IEnumerable<CustomerColumn> columns) => string.Join(",", columns.Select(c => c.Key()));

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
