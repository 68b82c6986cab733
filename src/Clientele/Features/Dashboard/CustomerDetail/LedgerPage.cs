using Clientele.Features.Wallets;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Dashboard.CustomerDetail;

/// <summary>One page of a customer's ledger, newest first, and the cursor of the next (older) page.</summary>
public sealed record LedgerPageResult(IReadOnlyList<LedgerEntry> Entries, long? OlderCursor);

/// <summary>
/// The credit ledger tab's reading: keyset pages over the applied order (<c>seq</c>), backed by the
/// ledger's per-customer and per-wallet indexes, so page 1,000 costs what page 1 does.
/// </summary>
public static class LedgerPage
{
    public const int Size = 25;

    public static async Task<LedgerPageResult> ReadAsync(NpgsqlDataSource dataSource, Tenant tenant, string customerId, Currency? currency, long? before, CancellationToken cancellationToken)
    {
        // Written out per filter, so each shape's plan uses its own index (no "@x IS NULL OR" for the planner to guess).
        var sql = $"""
            SELECT seq, {LedgerEntry.Columns} FROM wallet_ledger_entries
            WHERE business_id = @businessId AND mode = @mode AND customer_id = @customerId
            {(currency is null ? "" : "AND currency = @currency")}
            {(before is null ? "" : "AND seq < @before")}
            ORDER BY seq DESC
            LIMIT @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<long, LedgerEntry, (long Seq, LedgerEntry Entry)>(new CommandDefinition(sql,
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, customerId, currency = currency?.Code, before, limit = Size + 1 },
            cancellationToken: cancellationToken), (seq, entry) => (seq, entry), splitOn: "id")).AsList();
        var entries = rows.Take(Size).Select(r => r.Entry).ToList();
        long? older = rows.Count > Size ? rows[Size - 1].Seq : null;
        return new LedgerPageResult(entries, older);
    }
}
