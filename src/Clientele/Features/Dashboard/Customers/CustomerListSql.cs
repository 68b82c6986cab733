using System.Text;
using Clientele.Primitives;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Features.Dashboard.Customers;

/// <summary>
/// The SQL of the list, shared by the page and the report so both select the same customers in the
/// same order. Every statement filters by the tenant (@business_id, @mode) — in the optional
/// columns' subqueries too. Which index serves what (0001 and 0012): the listing index for
/// created_at either way, customers_by_name for name, the trigram index for partial names, the
/// unique lower(email) index for e-mails, the primary key for ids, and the 0012 indexes for the
/// subscription and wallet filters.
/// </summary>
internal static class CustomerListSql
{
    /// <summary>The WHERE clause for customers aliased <c>c</c>.</summary>
    public static string Filter(CustomerListQuery query)
    {
        var sql = new StringBuilder("c.business_id = @business_id AND c.mode = @mode");
        switch (query.SearchKind)
        {
            case CustomerSearchKind.CustomerId:
                sql.Append(" AND c.id = @search");
                break;
            case CustomerSearchKind.Email:
                sql.Append(" AND lower(c.email) = lower(@search)");
                break;
            case CustomerSearchKind.Name:
                sql.Append(@" AND lower(c.name) LIKE @name_pattern ESCAPE '\'");
                break;
        }
        if (query.CreatedFrom is not null)
        {
            sql.Append(" AND c.created_at >= @created_from");
        }
        if (query.CreatedTo is not null)
        {
            sql.Append(" AND c.created_at < @created_before");
        }
        if (query.Subscription is not null)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.business_id = @business_id AND s.mode = @mode AND s.status = @subscription_status AND s.customer_id = c.id)");
        }
        if (query.HasWalletBalance)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM wallets w WHERE w.business_id = @business_id AND w.mode = @mode AND w.balance > 0 AND w.customer_id = c.id)");
        }
        return sql.ToString();
    }

    /// <summary>The parameters <see cref="Filter"/> names (a fresh set per command).</summary>
    public static List<NpgsqlParameter> Parameters(Tenant tenant, CustomerListQuery query)
    {
        var parameters = new List<NpgsqlParameter>
        {
            new("business_id", tenant.BusinessId),
            new("mode", tenant.ModeText),
        };
        switch (query.SearchKind)
        {
            case CustomerSearchKind.CustomerId or CustomerSearchKind.Email:
                parameters.Add(new("search", query.Search));
                break;
            case CustomerSearchKind.Name:
                parameters.Add(new("name_pattern", "%" + EscapeLike(query.Search!.ToLowerInvariant()) + "%"));
                break;
        }
        if (query.CreatedFrom is { } from)
        {
            parameters.Add(new("created_from", NpgsqlDbType.TimestampTz) { Value = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) });
        }
        if (query.CreatedTo is { } to)
        {
            // Inclusive day: everything before the next day's midnight (UTC).
            parameters.Add(new("created_before", NpgsqlDbType.TimestampTz) { Value = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) });
        }
        if (query.Subscription is { } subscription)
        {
            parameters.Add(new("subscription_status", subscription == SubscriptionFilter.Active ? "active" : "on_hold"));
        }
        return parameters;
    }

    /// <summary>ORDER BY for <paramref name="alias"/>, always ending on id so equal names or times keep one order.</summary>
    public static string OrderBy(CustomerListQuery query, string alias)
    {
        var direction = query.Descending ? "DESC" : "ASC";
        return query.Sort == CustomerSort.Name
            ? $"lower({alias}.name) {direction}, {alias}.id {direction}"
            : $"{alias}.created_at {direction}, {alias}.id {direction}";
    }

    /// <summary>"After the last row written" for keyset batches (reports): a row comparison the sort's index serves.</summary>
    public static string After(CustomerListQuery query)
    {
        var comparison = query.Descending ? "<" : ">";
        return query.Sort == CustomerSort.Name
            ? $"(lower(c.name), c.id) {comparison} (@after_name, @after_id)"
            : $"(c.created_at, c.id) {comparison} (@after_created_at, @after_id)";
    }

    /// <summary>
    /// The customers of one page or batch (<paramref name="inner"/>: a SELECT of c's columns with its
    /// LIMIT) with the optional columns computed for those rows only, in the same statement.
    /// </summary>
    public static string WithColumns(string inner, CustomerListQuery query, IReadOnlyCollection<CustomerColumn> columns, bool withSortName = false)
    {
        var select = new StringBuilder("SELECT p.id, p.name, p.email, p.phone_number, p.created_at");
        if (withSortName)
        {
            // The name key exactly as PostgreSQL lowers it, for the next keyset batch.
            select.Append(", lower(p.name) AS sort_name");
        }
        var joins = new StringBuilder();
        if (columns.Contains(CustomerColumn.TotalSpent))
        {
            select.Append(", spent.currencies AS spent_currencies, spent.amounts AS spent_amounts");
            joins.Append("""
                 LEFT JOIN LATERAL (
                    SELECT array_agg(t.currency ORDER BY t.currency) AS currencies, array_agg(t.amount ORDER BY t.currency) AS amounts
                    FROM (SELECT pay.currency, sum(pay.total_amount - pay.refunded_amount)::bigint AS amount FROM payments pay
                          WHERE pay.business_id = @business_id AND pay.mode = @mode AND pay.customer_id = p.id AND pay.status = 'succeeded'
                          GROUP BY pay.currency) t) spent ON true
                """);
        }
        if (columns.Contains(CustomerColumn.ActiveSubscriptions))
        {
            select.Append("""
                , (SELECT count(*)::int FROM subscriptions s
                   WHERE s.business_id = @business_id AND s.mode = @mode AND s.status = 'active' AND s.customer_id = p.id) AS active_subscriptions
                """);
        }
        if (columns.Contains(CustomerColumn.WalletBalances))
        {
            select.Append(", wallet.currencies AS wallet_currencies, wallet.amounts AS wallet_amounts");
            joins.Append("""
                 LEFT JOIN LATERAL (
                    SELECT array_agg(w.currency ORDER BY w.currency) AS currencies, array_agg(w.balance ORDER BY w.currency) AS amounts
                    FROM wallets w WHERE w.business_id = @business_id AND w.mode = @mode AND w.customer_id = p.id AND w.balance > 0) wallet ON true
                """);
        }
        if (columns.Contains(CustomerColumn.LastPayment))
        {
            select.Append(", last.created_at AS last_payment_at, last.total_amount AS last_payment_amount, last.currency AS last_payment_currency");
            joins.Append("""
                 LEFT JOIN LATERAL (
                    SELECT pay.created_at, pay.total_amount, pay.currency FROM payments pay
                    WHERE pay.business_id = @business_id AND pay.mode = @mode AND pay.customer_id = p.id AND pay.status = 'succeeded'
                    ORDER BY pay.created_at DESC, pay.id DESC LIMIT 1) last ON true
                """);
        }
        return $"{select} FROM ({inner}) p{joins} ORDER BY {OrderBy(query, "p")}";
    }

    public const string CustomerColumnsSql = "c.id, c.name, c.email, c.phone_number, c.created_at";

    /// <summary>Reads a row of <see cref="WithColumns"/>.</summary>
    public static CustomerListRow Read(NpgsqlDataReader reader, IReadOnlyCollection<CustomerColumn> columns)
    {
        var row = new CustomerListRow(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc));
        if (columns.Contains(CustomerColumn.TotalSpent))
        {
            row = row with { TotalSpent = MoneyList(reader, "spent_currencies", "spent_amounts") };
        }
        if (columns.Contains(CustomerColumn.ActiveSubscriptions))
        {
            row = row with { ActiveSubscriptions = reader.GetInt32(reader.GetOrdinal("active_subscriptions")) };
        }
        if (columns.Contains(CustomerColumn.WalletBalances))
        {
            row = row with { WalletBalances = MoneyList(reader, "wallet_currencies", "wallet_amounts") };
        }
        if (columns.Contains(CustomerColumn.LastPayment))
        {
            var at = reader.GetOrdinal("last_payment_at");
            row = row with
            {
                LastPayment = reader.IsDBNull(at) ? null : new CustomerLastPayment(
                    DateTime.SpecifyKind(reader.GetDateTime(at), DateTimeKind.Utc),
                    Money.Of(reader.GetInt64(reader.GetOrdinal("last_payment_amount")), reader.GetString(reader.GetOrdinal("last_payment_currency")))),
            };
        }
        return row;
    }

    private static List<Money> MoneyList(NpgsqlDataReader reader, string currenciesColumn, string amountsColumn)
    {
        var currencies = reader.GetOrdinal(currenciesColumn);
        if (reader.IsDBNull(currencies))
        {
            return [];
        }
        var codes = reader.GetFieldValue<string[]>(currencies);
        var amounts = reader.GetFieldValue<long[]>(reader.GetOrdinal(amountsColumn));
        return [.. codes.Select((code, i) => Money.Of(amounts[i], code))];
    }

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
