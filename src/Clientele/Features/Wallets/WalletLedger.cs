using Clientele.Features.Webhooks;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Wallets;

/// <summary>One change to a wallet: a positive amount in minor units, credited or debited, and its cause.</summary>
public sealed record LedgerChange(
    string CustomerId,
    Money Money,
    bool IsCredit,
    LedgerEventType EventType,
    string? Reason = null,
    string? ReferenceObjectId = null)
{
    public long Amount => Money.Amount;

    public Currency Currency => Money.Currency;
}

public abstract record LedgerOutcome
{
    public sealed record Applied(LedgerEntry Entry, Wallet Wallet) : LedgerOutcome;

    public sealed record CustomerNotFound : LedgerOutcome;

    public sealed record InsufficientBalance : LedgerOutcome;

    /// <summary>A credit that would take the balance past what a bigint holds.</summary>
    public sealed record BalanceLimitExceeded : LedgerOutcome;
}

/// <summary>
/// The only way money moves in a wallet. Each change is one SQL statement: a guarded update of the
/// balance (an upsert for credits, <c>balance &gt;= amount</c> for debits) whose RETURNING feeds the
/// ledger insert, so before/after balances come from the row PostgreSQL locked, never from a read
/// in C#. The same statement writes the webhook event, so the wallet row stays locked only for one round
/// trip (and the commit). Other features (billing, refunds) call it inside their own transaction.
/// </summary>
public sealed class WalletLedger(TimeProvider clock)
{
    // The event is rendered before the statement, with markers where the balances go: only the locked row knows
    // them, and the statement splices them in, so entry, ledger row and event are one round trip.
    private static readonly string EventCtes = WebhookDraft.Ctes("e",
        "replace(replace(@webhookPayload, @beforeMark, e.before_balance::text), @afterMark, e.after_balance::text)");

    private static readonly string CreditSql = $"""
        WITH w AS (
            INSERT INTO wallets (business_id, mode, customer_id, currency, balance, created_at, updated_at)
            SELECT c.business_id, c.mode, c.id, @currency, @amount,
                   -- Default-currency wallets exist (at zero) since the customer does.
                   CASE WHEN @currency = ANY (b.default_currencies) THEN c.created_at ELSE @now END, @now
            FROM customers c JOIN businesses b ON b.id = c.business_id
            WHERE c.id = @customerId AND c.business_id = @businessId AND c.mode = @mode
            ON CONFLICT (business_id, mode, customer_id, currency) DO UPDATE
                SET balance = wallets.balance + EXCLUDED.balance, updated_at = EXCLUDED.updated_at
                -- Refuse (no row) rather than fail with "bigint out of range", which would abort the caller's transaction.
                WHERE wallets.balance <= 9223372036854775807 - EXCLUDED.balance
            RETURNING customer_id, currency, balance, created_at
        ),
        e AS (
            INSERT INTO wallet_ledger_entries (id, business_id, mode, customer_id, currency, amount, is_credit, event_type, before_balance, after_balance, reason, reference_object_id, created_at)
            SELECT @id, @businessId, @mode, w.customer_id, w.currency, @amount, true, @eventType, w.balance - @amount, w.balance, @reason, @referenceObjectId, @now
            FROM w
            RETURNING {LedgerEntry.Columns}
        ),
        {EventCtes}
        SELECT e.*, w.created_at AS wallet_created_at FROM e, w
        """;

    private static readonly string DebitSql = $"""
        WITH w AS (
            UPDATE wallets SET balance = balance - @amount, updated_at = @now
            WHERE business_id = @businessId AND mode = @mode AND customer_id = @customerId AND currency = @currency
              AND balance >= @amount
            RETURNING customer_id, currency, balance, created_at
        ),
        e AS (
            INSERT INTO wallet_ledger_entries (id, business_id, mode, customer_id, currency, amount, is_credit, event_type, before_balance, after_balance, reason, reference_object_id, created_at)
            SELECT @id, @businessId, @mode, w.customer_id, w.currency, @amount, false, @eventType, w.balance + @amount, w.balance, @reason, @referenceObjectId, @now
            FROM w
            RETURNING {LedgerEntry.Columns}
        ),
        {EventCtes}
        SELECT e.*, w.created_at AS wallet_created_at FROM e, w
        """;

    /// <summary>
    /// Applies the change inside the caller's transaction (the caller commits or rolls back), or, with no
    /// transaction, as a statement that commits alone. A refused change writes nothing and leaves the
    /// transaction usable.
    /// </summary>
    /// <param name="entryId">The new entry's id, when the caller must know it first (idempotency records).</param>
    public async Task<LedgerOutcome> ApplyAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        Tenant tenant,
        LedgerChange change,
        string? entryId = null,
        CancellationToken cancellationToken = default)
    {
        if (change.Amount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(change), change.Amount, "A ledger amount is a positive number of minor units.");
        }
        // PostgreSQL keeps microseconds: the event must show the time exactly as the entry's row does.
        var ticks = clock.GetUtcNow().UtcTicks;
        var now = new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
        var id = entryId ?? Ids.New(Ids.WalletTransaction);
        var eventType = change.EventType.ToWire();
        var marker = Guid.NewGuid().ToString("N");
        var (beforeMark, afterMark) = ($"before-{marker}", $"after-{marker}");
        var expected = new LedgerEntryResponse(id, tenant.BusinessId, change.CustomerId, change.Currency.Code, change.Amount, change.IsCredit, eventType,
            0, 0, change.Reason, change.ReferenceObjectId, now);
        var draft = WebhookOutbox.Draft(tenant, WebhookType(change), "CreditLedgerEntry", expected, now, data =>
        {
            data["before_balance"] = beforeMark;
            data["after_balance"] = afterMark;
        });
        var parameters = new DynamicParameters(new
        {
            id,
            customerId = change.CustomerId,
            currency = change.Currency.Code,
            amount = change.Amount,
            eventType,
            reason = change.Reason,
            referenceObjectId = change.ReferenceObjectId,
            now,
            beforeMark = $"\"{beforeMark}\"",
            afterMark = $"\"{afterMark}\"",
        });
        draft.AddParameters(parameters, tenant);
        var rows = await connection.QueryAsync<LedgerEntry, WalletStamp, LedgerOutcome.Applied>(
            new CommandDefinition(change.IsCredit ? CreditSql : DebitSql, parameters, transaction, cancellationToken: cancellationToken),
            (entry, stamp) => new(entry, new Wallet(entry.CustomerId, entry.Currency, entry.AfterBalance, stamp.WalletCreatedAt, entry.CreatedAt)),
            splitOn: "wallet_created_at");
        if (rows.FirstOrDefault() is { } applied)
        {
            return applied;
        }

        // Nothing changed; say why. Reading after a refusal is safe: no write depends on it.
        if (!await WalletStore.CustomerExistsAsync(connection, transaction, tenant, change.CustomerId, cancellationToken))
        {
            return new LedgerOutcome.CustomerNotFound();
        }
        return change.IsCredit ? new LedgerOutcome.BalanceLimitExceeded() : new LedgerOutcome.InsufficientBalance();
    }

    /// <summary>The reference's credit ledger events: merchant adjustments, then other credits and debits.</summary>
    public static string WebhookType(LedgerChange change) => change switch
    {
        { EventType: LedgerEventType.MerchantAdjustment } => "credit.manual_adjustment",
        { IsCredit: true } => "credit.added",
        _ => "credit.deducted",
    };

    private sealed record WalletStamp(DateTime WalletCreatedAt);
}
