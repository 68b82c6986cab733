using Clientele.Primitives;
using Npgsql;

namespace Clientele.Features.Dashboard.Customers;

/// <summary>
/// One page of the Customers list. A parsed <see cref="CustomerListQuery"/> cannot be wrong, so this
/// has no failure outcome; past the last page it returns no rows. One round trip: the page (its
/// optional columns computed for its own rows in the same statement, never one query per row) and
/// the bounded count (see <see cref="CustomerListTotal"/>) go as one batch.
/// Deep pages use OFFSET: cost grows with the page number (page 1,000 of 10 skips 9,990 index entries).
/// </summary>
public sealed class CustomerList(NpgsqlDataSource dataSource)
{
    public async Task<CustomerListPage> ListAsync(Tenant tenant, CustomerListQuery query, IReadOnlyList<CustomerColumn> columns, CancellationToken cancellationToken)
    {
        var filter = CustomerListSql.Filter(query);
        var inner = $"SELECT {CustomerListSql.CustomerColumnsSql} FROM customers c WHERE {filter} ORDER BY {CustomerListSql.OrderBy(query, "c")} LIMIT @limit OFFSET @offset";
        var page = new NpgsqlBatchCommand(CustomerListSql.WithColumns(inner, query, columns));
        page.Parameters.AddRange(CustomerListSql.Parameters(tenant, query).ToArray());
        // One row more than the page shows tells whether a next page exists, whatever the total says.
        page.Parameters.Add(new NpgsqlParameter("limit", query.PageSize + 1));
        page.Parameters.Add(new NpgsqlParameter("offset", query.Offset));
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM (SELECT 1 FROM customers c WHERE {filter} LIMIT {CustomerListTotal.Bound + 1}) bounded");
        count.Parameters.AddRange(CustomerListSql.Parameters(tenant, query).ToArray());

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { page, count } };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var rows = new List<CustomerListRow>(query.PageSize + 1);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(CustomerListSql.Read(reader, columns));
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var counted = reader.GetInt64(0);

        var hasNext = rows.Count > query.PageSize;
        if (hasNext)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        var total = counted > CustomerListTotal.Bound ? new CustomerListTotal(CustomerListTotal.Bound, false) : new CustomerListTotal(counted, true);
        return new CustomerListPage(query, columns, rows, total, hasNext);
    }

    /// <summary>The bounded count alone (what a report expects to write, for its progress bar).</summary>
    public async Task<CustomerListTotal> CountAsync(Tenant tenant, CustomerListQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM (SELECT 1 FROM customers c WHERE {CustomerListSql.Filter(query)} LIMIT {CustomerListTotal.Bound + 1}) bounded", connection);
        command.Parameters.AddRange(CustomerListSql.Parameters(tenant, query).ToArray());
        var counted = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return counted > CustomerListTotal.Bound ? new CustomerListTotal(CustomerListTotal.Bound, false) : new CustomerListTotal(counted, true);
    }
}
