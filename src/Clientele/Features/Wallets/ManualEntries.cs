using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Wallets;

public abstract record ManualEntryOutcome
{
    /// <summary>The wallet after the entry (<paramref name="EntryId"/>); for a replayed key, as it was right after the first request.</summary>
    public sealed record Done(Wallet Wallet, bool Replayed, string EntryId) : ManualEntryOutcome;

    public sealed record Refused(LedgerOutcome Reason) : ManualEntryOutcome;

    public sealed record KeyReused : ManualEntryOutcome;
}

/// <summary>
/// A merchant's credit or debit (event <c>merchant_adjustment</c>) with the reference's optional
/// idempotency key: the key is claimed in the same transaction as the entry, so a replay, even a
/// concurrent one, waits for the first request and then returns its result instead of writing again.
/// </summary>
public sealed class ManualEntries(NpgsqlDataSource dataSource, WalletLedger ledger, TimeProvider clock, ILogger<ManualEntries> logger)
{
    public async Task<ManualEntryOutcome> PostAsync(Tenant tenant, string customerId, ManualEntry input, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var change = new LedgerChange(customerId, new Money(input.Amount, input.Currency), input.IsCredit, LedgerEventType.MerchantAdjustment, input.Reason);
        LedgerOutcome outcome;
        if (input.IdempotencyKey is not { } key)
        {
            // One statement that commits alone: the wallet row is locked for that one round trip only.
            outcome = await ledger.ApplyAsync(connection, null, tenant, change, cancellationToken: cancellationToken);
        }
        else
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var entryId = Ids.New(Ids.WalletTransaction);
            if (!await ClaimAsync(connection, transaction, tenant, customerId, input, key, entryId, cancellationToken))
            {
                await transaction.RollbackAsync(cancellationToken);
                return await ReplayAsync(connection, tenant, customerId, input, key, cancellationToken);
            }
            outcome = await ledger.ApplyAsync(connection, transaction, tenant, change, entryId, cancellationToken);
            if (outcome is LedgerOutcome.Applied)
            {
                await transaction.CommitAsync(cancellationToken);
            }
            else
            {
                // Also releases the claimed key: a refused request may be retried with the same key.
                await transaction.RollbackAsync(cancellationToken);
            }
        }
        if (outcome is not LedgerOutcome.Applied applied)
        {
            logger.LogDebug("Wallet entry refused ({Outcome}) for {CustomerId} {Currency} {Amount}", outcome.GetType().Name, customerId, input.Currency.Code, input.Amount);
            return new ManualEntryOutcome.Refused(outcome);
        }
        // Debug: at ledger rates a line per entry costs more than the entry; the ledger itself is the record.
        logger.LogDebug("Wallet entry {EntryId}: {Direction} {Amount} {Currency} for {CustomerId}, balance {Balance}",
            applied.Entry.Id, input.IsCredit ? "credit" : "debit", input.Amount, input.Currency.Code, customerId, applied.Wallet.Balance);
        return new ManualEntryOutcome.Done(applied.Wallet, Replayed: false, applied.Entry.Id);
    }

    /// <summary>
    /// Inserts the key; a concurrent holder of the same key makes this wait until it commits (then
    /// false) or rolls back (then true).
    /// </summary>
    private async Task<bool> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string customerId, ManualEntry input, string key, string entryId, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO wallet_idempotency_keys (business_id, mode, key, customer_id, currency, amount, is_credit, ledger_entry_id, created_at)
            VALUES (@businessId, @mode, @key, @customerId, @currency, @amount, @isCredit, @entryId, @now)
            ON CONFLICT (business_id, mode, key) DO NOTHING
            """,
            new
            {
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                key,
                customerId,
                currency = input.Currency.Code,
                amount = input.Amount,
                isCredit = input.IsCredit,
                entryId,
                now = clock.GetUtcNow().UtcDateTime,
            },
            transaction, cancellationToken: cancellationToken)) == 1;

    private static async Task<ManualEntryOutcome> ReplayAsync(NpgsqlConnection connection, Tenant tenant, string customerId, ManualEntry input, string key, CancellationToken cancellationToken)
    {
        if (!await WalletStore.CustomerExistsAsync(connection, null, tenant, customerId, cancellationToken))
        {
            return new ManualEntryOutcome.Refused(new LedgerOutcome.CustomerNotFound());
        }
        var first = await connection.QuerySingleAsync<FirstRequest>(new CommandDefinition("""
            SELECT k.customer_id, k.currency, k.amount, k.is_credit, e.id AS entry_id, e.after_balance, w.created_at AS wallet_created_at, e.created_at AS entry_created_at
            FROM wallet_idempotency_keys k
            JOIN wallet_ledger_entries e ON e.id = k.ledger_entry_id
            JOIN wallets w ON w.business_id = e.business_id AND w.mode = e.mode AND w.customer_id = e.customer_id AND w.currency = e.currency
            WHERE k.business_id = @businessId AND k.mode = @mode AND k.key = @key
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, key }, cancellationToken: cancellationToken));
        if (first.CustomerId != customerId || first.Currency != input.Currency.Code || first.Amount != input.Amount || first.IsCredit != input.IsCredit)
        {
            return new ManualEntryOutcome.KeyReused();
        }
        return new ManualEntryOutcome.Done(new Wallet(first.CustomerId, first.Currency, first.AfterBalance, first.WalletCreatedAt, first.EntryCreatedAt), Replayed: true, first.EntryId);
    }

    private sealed record FirstRequest(string CustomerId, string Currency, long Amount, bool IsCredit, string EntryId, long AfterBalance, DateTime WalletCreatedAt, DateTime EntryCreatedAt);
}
