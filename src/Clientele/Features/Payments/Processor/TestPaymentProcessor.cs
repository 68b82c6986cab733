using System.Security.Cryptography;
using System.Text;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Payments.Processor;

/// <summary>
/// The built-in test processor (ARCHITECTURE §5): the test card numbers decide each outcome. Its
/// books live in PostgreSQL, so several server processes agree on idempotency keys.
/// </summary>
public sealed class TestPaymentProcessor(NpgsqlDataSource dataSource, TimeProvider clock, TestProcessorFaults faults) : IPaymentProcessor
{
    public async Task<TokenizeResult> TokenizeAsync(Tenant tenant, CardDetails card, CancellationToken cancellationToken)
    {
        await ApplyFaultAsync(tenant, beforeWork: true, cancellationToken);
        if (TestCards.Normalize(card.Number) is not { } number || !TestCards.PassesLuhn(number))
        {
            return new TokenizeResult.Rejected("invalid_number");
        }
        if (!TestCards.TryFind(number, out var network, out var behaviour))
        {
            // Test mode never takes a real card.
            return new TokenizeResult.Rejected("test_card_required");
        }
        var today = clock.GetUtcNow().UtcDateTime;
        if (card.ExpiryMonth is < 1 or > 12 || card.ExpiryYear < today.Year || (card.ExpiryYear == today.Year && card.ExpiryMonth < today.Month) || card.ExpiryYear > today.Year + 30)
        {
            return new TokenizeResult.Rejected("expired_card");
        }
        if (card.Cvc.Length is < 3 or > 4 || !card.Cvc.All(char.IsAsciiDigit))
        {
            return new TokenizeResult.Rejected("invalid_cvc");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var key = await FingerprintKeyAsync(connection, tenant, cancellationToken);
        var token = new CardToken(
            Ids.New(Ids.ProcessorToken), network, "credit", number[^4..], card.ExpiryMonth, card.ExpiryYear,
            Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(number)))[..32], card.HolderName);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO test_processor_cards (token, business_id, mode, behaviour, network, last4, expiry_month, expiry_year, fingerprint, created_at)
            VALUES (@Token, @businessId, @mode, @behaviour, @Network, @Last4, @ExpiryMonth, @ExpiryYear, @Fingerprint, @now)
            """,
            new { token.Token, businessId = tenant.BusinessId, mode = tenant.ModeText, behaviour, token.Network, token.Last4, token.ExpiryMonth, token.ExpiryYear, token.Fingerprint, now = Now },
            cancellationToken: cancellationToken));
        return new TokenizeResult.Tokenized(token);
    }

    public async Task<ChargeResult> ChargeAsync(Tenant tenant, ChargeRequest request, CancellationToken cancellationToken)
    {
        await ApplyFaultAsync(tenant, beforeWork: true, cancellationToken);
        (string Id, string Status, string? FailureCode, bool Made) charge;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            // One round trip decides, records and commits the charge: the statements of one command run as one implicit
            // transaction, committed when the last has run (the reader's disposal waits for that). The card row lock
            // serialises charges on one card, so a key is decided once and a "succeed once" card cannot succeed twice
            // under concurrency: the statement after the lock takes its snapshot once the lock is held, so it sees what
            // the previous holder committed (an earlier charge with this key, the card's count of successes). The count
            // is kept for the cards whose behaviour reads it. The commit does not wait for the WAL flush (set_config's
            // local setting lasts to the end of this transaction): whoever acts on the answer records it in a later
            // transaction whose own (synchronous) commit flushes the WAL past this one, so a crash can lose a charge only
            // while nothing has been recorded of it yet (and then a lookup by its key finds no charge, and none was
            // made). A flush per charge was the largest wait of a renewal batch (bench/README.md).
            await using var reads = await connection.QueryMultipleAsync(new CommandDefinition($"""
                SELECT set_config('synchronous_commit', 'off', true);
                SELECT behaviour FROM test_processor_cards WHERE token = @token AND business_id = @businessId AND mode = @mode FOR UPDATE;
                WITH charged AS (
                    INSERT INTO test_processor_charges (id, business_id, mode, idempotency_key, token, amount, currency, status, failure_code, created_at)
                    SELECT @id, c.business_id, c.mode, @key, c.token, @amount, @currency,
                           CASE WHEN d.failure IS NULL THEN 'succeeded' ELSE 'failed' END, d.failure, @now
                    FROM test_processor_cards c
                    CROSS JOIN LATERAL (SELECT CASE WHEN c.behaviour IN (@declined, @insufficientFunds) THEN c.behaviour
                                                    WHEN c.behaviour = @succeedOnce AND c.successful_charges > 0 THEN @declined END AS failure) d
                    WHERE c.token = @token AND c.business_id = @businessId AND c.mode = @mode
                      AND NOT EXISTS ({FindSql})
                    RETURNING id, status, failure_code
                ), counted AS (
                    UPDATE test_processor_cards SET successful_charges = successful_charges + 1
                    WHERE token = @token AND business_id = @businessId AND mode = @mode AND behaviour = @succeedOnce
                      AND EXISTS (SELECT FROM charged WHERE status = 'succeeded')
                )
                SELECT id, status, failure_code, true AS made FROM charged
                UNION ALL
                SELECT id, status, failure_code, false FROM ({FindSql}) earlier;
                """,
                new
                {
                    id = Ids.New(Ids.ProcessorCharge),
                    businessId = tenant.BusinessId,
                    mode = tenant.ModeText,
                    key = request.IdempotencyKey,
                    token = request.Token,
                    amount = request.Amount.Amount,
                    currency = request.Amount.Code,
                    declined = TestCards.Declined,
                    insufficientFunds = TestCards.InsufficientFunds,
                    succeedOnce = TestCards.SucceedOnce,
                    now = Now,
                }, cancellationToken: cancellationToken));
            await reads.ReadSingleAsync<string>();
            if (await reads.ReadSingleOrDefaultAsync<string>() is null)
            {
                throw new ArgumentException("Unknown card token for this tenant.", nameof(request));
            }
            charge = await reads.ReadSingleAsync<(string Id, string Status, string? FailureCode, bool Made)>();
        }
        if (charge.Made)
        {
            await ApplyFaultAsync(tenant, beforeWork: false, cancellationToken);
        }
        return new ChargeResult(charge.Id, charge.Status == "succeeded", charge.FailureCode);
    }

    public async Task<ProcessorRefundResult> RefundAsync(Tenant tenant, ProcessorRefundRequest request, CancellationToken cancellationToken)
    {
        await ApplyFaultAsync(tenant, beforeWork: true, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var refundId = Ids.New(Ids.ProcessorRefund);
        var inserted = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO test_processor_refunds (id, business_id, mode, idempotency_key, charge_id, amount, created_at)
            VALUES (@refundId, @businessId, @mode, @IdempotencyKey, @ChargeId, @Amount, @now)
            ON CONFLICT (business_id, mode, idempotency_key) DO NOTHING
            """,
            new { refundId, businessId = tenant.BusinessId, mode = tenant.ModeText, request.IdempotencyKey, request.ChargeId, request.Amount, now = Now },
            transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            var previous = await connection.QuerySingleAsync<string>(new CommandDefinition(
                "SELECT id FROM test_processor_refunds WHERE business_id = @businessId AND mode = @mode AND idempotency_key = @IdempotencyKey",
                new { businessId = tenant.BusinessId, mode = tenant.ModeText, request.IdempotencyKey }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return new ProcessorRefundResult.Refunded(previous);
        }
        // A processor never refunds more than it charged, whatever its caller believes.
        var guarded = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE test_processor_charges SET refunded = refunded + @Amount
            WHERE id = @ChargeId AND business_id = @businessId AND mode = @mode AND status = 'succeeded' AND refunded + @Amount <= amount
            """, new { request.ChargeId, request.Amount, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        if (guarded != 1)
        {
            // Refused refunds leave nothing behind (the insert rolls back), so the key can be tried again.
            await transaction.RollbackAsync(cancellationToken);
            return new ProcessorRefundResult.Refused("amount_exceeds_charge");
        }
        await transaction.CommitAsync(cancellationToken);
        await ApplyFaultAsync(tenant, beforeWork: false, cancellationToken);
        return new ProcessorRefundResult.Refunded(refundId);
    }

    public async Task<ProcessorRefundResult?> FindRefundAsync(Tenant tenant, string idempotencyKey, CancellationToken cancellationToken)
    {
        await ApplyFaultAsync(tenant, beforeWork: true, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var id = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT id FROM test_processor_refunds WHERE business_id = @businessId AND mode = @mode AND idempotency_key = @idempotencyKey",
            new { businessId = tenant.BusinessId, mode = tenant.ModeText, idempotencyKey }, cancellationToken: cancellationToken));
        return id is null ? null : new ProcessorRefundResult.Refunded(id);
    }

    public async Task<ChargeResult?> FindChargeAsync(Tenant tenant, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, null, tenant, idempotencyKey, cancellationToken);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private const string FindSql = "SELECT id, status, failure_code FROM test_processor_charges WHERE business_id = @businessId AND mode = @mode AND idempotency_key = @key";

    private static async Task<ChargeResult?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Tenant tenant, string key, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(string Id, string Status, string? FailureCode)>(new CommandDefinition(
            FindSql, new { businessId = tenant.BusinessId, mode = tenant.ModeText, key }, transaction, cancellationToken: cancellationToken));
        return row.Id is null ? null : new ChargeResult(row.Id, row.Status == "succeeded", row.FailureCode);
    }

    private static async Task<byte[]> FingerprintKeyAsync(NpgsqlConnection connection, Tenant tenant, CancellationToken cancellationToken)
    {
        var args = new { businessId = tenant.BusinessId, mode = tenant.ModeText, key = RandomNumberGenerator.GetBytes(32) };
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO test_processor_accounts (business_id, mode, fingerprint_key, created_at) VALUES (@businessId, @mode, @key, now())
            ON CONFLICT (business_id, mode) DO NOTHING
            """, args, cancellationToken: cancellationToken));
        return await connection.QuerySingleAsync<byte[]>(new CommandDefinition(
            "SELECT fingerprint_key FROM test_processor_accounts WHERE business_id = @businessId AND mode = @mode", args, cancellationToken: cancellationToken));
    }

    private async Task ApplyFaultAsync(Tenant tenant, bool beforeWork, CancellationToken cancellationToken)
    {
        var (fault, delay) = faults.For(tenant.BusinessId);
        if (beforeWork && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken);
        }
        if ((beforeWork && fault == ProcessorFault.Unavailable) || (!beforeWork && fault == ProcessorFault.LoseAnswer))
        {
            throw new ProcessorUnavailableException("The test processor was told to fail.");
        }
    }
}
