using Dapper;
using Npgsql;

namespace Clientele.Features.Wallets;

/// <summary>A wallet whose balance is not the sum of its ledger entries.</summary>
public sealed record WalletMismatch(string BusinessId, string Mode, string CustomerId, string Currency, long Balance, decimal LedgerSum, long Entries);

public sealed record WalletCheck(long WalletsChecked, long EntriesChecked, IReadOnlyList<WalletMismatch> Mismatches)
{
    public bool Ok => Mismatches.Count == 0;
}

/// <summary>
/// Checks the ledger's invariant for every wallet (or one business's): balance = credits − debits.
/// Run by <c>Clientele wallets verify</c>; a mismatch means something wrote to <c>wallets</c>
/// outside <see cref="WalletLedger"/>.
/// </summary>
public sealed class WalletVerifier(NpgsqlDataSource dataSource)
{
    public async Task<WalletCheck> VerifyAsync(string? businessId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for both sides, so entries committed mid-check cannot look like a mismatch.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var scope = new { businessId };
        var counts = await connection.QuerySingleAsync<(long Wallets, long Entries)>(new CommandDefinition("""
            SELECT (SELECT count(*) FROM wallets WHERE @businessId::text IS NULL OR business_id = @businessId),
                   (SELECT count(*) FROM wallet_ledger_entries WHERE @businessId::text IS NULL OR business_id = @businessId)
            """, scope, transaction, cancellationToken: cancellationToken));
        var mismatches = (await connection.QueryAsync<WalletMismatch>(new CommandDefinition("""
            SELECT w.business_id, w.mode, w.customer_id, w.currency, w.balance,
                   coalesce(s.ledger_sum, 0) AS ledger_sum, coalesce(s.entries, 0) AS entries
            FROM wallets w
            LEFT JOIN (
                SELECT business_id, mode, customer_id, currency,
                       sum(CASE WHEN is_credit THEN amount ELSE -amount END) AS ledger_sum, count(*) AS entries
                FROM wallet_ledger_entries
                WHERE @businessId::text IS NULL OR business_id = @businessId
                GROUP BY business_id, mode, customer_id, currency
            ) s USING (business_id, mode, customer_id, currency)
            WHERE (@businessId::text IS NULL OR w.business_id = @businessId)
              AND w.balance <> coalesce(s.ledger_sum, 0)
            ORDER BY w.business_id, w.mode, w.customer_id, w.currency
            """, scope, transaction, cancellationToken: cancellationToken))).AsList();
        await transaction.CommitAsync(cancellationToken);
        return new WalletCheck(counts.Wallets, counts.Entries, mismatches);
    }
}
