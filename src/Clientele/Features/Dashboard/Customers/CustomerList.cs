using System.Text.Json;
using Clientele.Primitives;
using Npgsql;

namespace Clientele.Features.Dashboard.Customers;

/// <summary>
/// One page of the Customers list. A parsed <see cref="CustomerListQuery"/> cannot be wrong, so this
/// has no failure outcome; past the last page it returns no rows. The page (its optional columns
/// computed for its own rows in the same statement, never one query per row) and the planner's
/// estimate of all matches go in one round trip; a bounded count follows only when the estimate is
/// small (see <see cref="CustomerListTotal"/>).
/// Deep pages use OFFSET: cost grows with the page number (page 1,000 of 10 skips 9,990 index entries,
/// read from the sort's index alone; see migration 0025).
/// </summary>
public sealed class CustomerList(NpgsqlDataSource dataSource)
{
    public async Task<CustomerListPage> ListAsync(Tenant tenant, CustomerListQuery query, IReadOnlyList<CustomerColumn> columns, CancellationToken cancellationToken)
    {
        // The page's ids first, then their rows: skipping OFFSET entries needs only the sort's index (no
        // table visit when the filter is on indexed columns, as the plain list's is), and only the page's
        // rows are read. The inner query's c is its own scan of customers.
        var inner = $"""
            SELECT {CustomerListSql.CustomerColumnsSql} FROM customers c
            WHERE c.business_id = @business_id AND c.mode = @mode AND c.id IN (
                SELECT c.id FROM customers c WHERE {CustomerListSql.Filter(query)} ORDER BY {CustomerListSql.OrderBy(query, "c")} LIMIT @limit OFFSET @offset)
            """;
        var page = new NpgsqlBatchCommand(CustomerListSql.WithColumns(inner, query, columns));
        page.Parameters.AddRange(CustomerListSql.Parameters(tenant, query).ToArray());
        // One row more than the page shows tells whether a next page exists, whatever the total says.
        page.Parameters.Add(new NpgsqlParameter("limit", query.PageSize + 1));
        page.Parameters.Add(new NpgsqlParameter("offset", query.Offset));

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { page, EstimateCommand(tenant, query) } };
        var rows = new List<CustomerListRow>(query.PageSize + 1);
        double estimate;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(CustomerListSql.Read(reader, columns));
            }
            await reader.NextResultAsync(cancellationToken);
            estimate = await ReadEstimateAsync(reader, cancellationToken);
        }

        var hasNext = rows.Count > query.PageSize;
        if (hasNext)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        CustomerListTotal total;
        if (!hasNext && (rows.Count > 0 || query.Page == 1))
        {
            total = new CustomerListTotal(query.Offset + rows.Count, CustomerTotalKind.Exact);
        }
        else
        {
            total = await TotalAsync(connection, tenant, query, estimate, cancellationToken);
            // With a next page more than offset + rows match: an estimate or bound below that says "more than" what is shown.
            total = hasNext ? total.AtLeast(query.Offset + rows.Count) : total;
        }
        return new CustomerListPage(query, columns, rows, total, hasNext);
    }

    /// <summary>The total alone (what a report expects to write, for its progress bar until the worker counts exactly).</summary>
    public async Task<CustomerListTotal> CountAsync(Tenant tenant, CustomerListQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { EstimateCommand(tenant, query) } };
        double estimate;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            estimate = await ReadEstimateAsync(reader, cancellationToken);
        }
        return await TotalAsync(connection, tenant, query, estimate, cancellationToken);
    }

    private static async Task<CustomerListTotal> TotalAsync(NpgsqlConnection connection, Tenant tenant, CustomerListQuery query, double estimate, CancellationToken cancellationToken)
    {
        if (estimate > CustomerListTotal.Bound)
        {
            return CustomerListTotal.Estimate(estimate);
        }
        await using var command = new NpgsqlCommand(
            $"SELECT count(*) FROM (SELECT 1 FROM customers c WHERE {CustomerListSql.Filter(query)} LIMIT {CustomerListTotal.Bound + 1}) bounded", connection);
        command.Parameters.AddRange(CustomerListSql.Parameters(tenant, query).ToArray());
        return CustomerListTotal.Bounded((long)(await command.ExecuteScalarAsync(cancellationToken))!);
    }

    /// <summary>EXPLAIN of "every match": planning only, nothing is read.</summary>
    private static NpgsqlBatchCommand EstimateCommand(Tenant tenant, CustomerListQuery query)
    {
        var command = new NpgsqlBatchCommand($"EXPLAIN (FORMAT JSON) SELECT 1 FROM customers c WHERE {CustomerListSql.Filter(query)}");
        command.Parameters.AddRange(CustomerListSql.Parameters(tenant, query).ToArray());
        return command;
    }

    private static async Task<double> ReadEstimateAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken);
        using var plan = JsonDocument.Parse(reader.GetString(0));
        return plan.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
    }
}
