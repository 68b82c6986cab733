using Clientele.Features.Invoices;
using Clientele.Features.LicenseKeys;
using Clientele.Features.Payments;
using Clientele.Features.Payments.Processor;
using Clientele.Features.Webhooks;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Refunds;

/// <summary>What the processor said about a refund. Only a refusal may fail a refund.</summary>
public abstract record RefundProcessorOutcome
{
    public sealed record Refunded(string ProcessorRefundId) : RefundProcessorOutcome;

    public sealed record Refused(string Reason) : RefundProcessorOutcome;

    /// <summary>Unknown: the processor may or may not have refunded; the refund stays pending for the recovery pass.</summary>
    public sealed record NoAnswer : RefundProcessorOutcome;
}

/// <summary>
/// Steps 2 and 3 of a refund, shared by the request that reserved it and the recovery pass: ask the
/// processor (the refund id is the idempotency key), then record the answer exactly once — a guarded
/// <c>UPDATE … WHERE status = 'pending'</c> decides who records, so a second recorder changes nothing.
/// </summary>
public sealed class RefundSettlement(NpgsqlDataSource dataSource, PaymentProcessors processors, PaymentEvents events, PaymentEmails emails, EmailDispatchSignal mailSignal,
    LicenseKeyIssuer licenseKeys, RefundFaults faults, TimeProvider clock)
{
    /// <summary>Asks the processor to refund; with <paramref name="lookUpFirst"/> (recovery) it first asks whether the key was already refunded.</summary>
    public async Task<RefundProcessorOutcome> AskProcessorAsync(Tenant tenant, string refundId, string chargeId, long amount, bool lookUpFirst, CancellationToken cancellationToken)
    {
        if (processors.For(tenant) is not { } processor)
        {
            return new RefundProcessorOutcome.NoAnswer();
        }
        try
        {
            var result = lookUpFirst ? await processor.FindRefundAsync(tenant, refundId, cancellationToken) : null;
            result ??= await processor.RefundAsync(tenant, new ProcessorRefundRequest(chargeId, amount, refundId), cancellationToken);
            return result switch
            {
                ProcessorRefundResult.Refunded refunded => new RefundProcessorOutcome.Refunded(refunded.RefundId),
                ProcessorRefundResult.Refused refused => new RefundProcessorOutcome.Refused(refused.Reason),
                _ => throw new InvalidOperationException($"Unknown processor refund result {result}."),
            };
        }
        catch (ProcessorUnavailableException)
        {
            return new RefundProcessorOutcome.NoAnswer();
        }
    }

    /// <summary>Records the processor's answer; true when this call settled the refund (false: no answer, or already settled).</summary>
    public Task<bool> RecordAsync(Tenant tenant, string refundId, RefundProcessorOutcome outcome, CancellationToken cancellationToken) => outcome switch
    {
        RefundProcessorOutcome.Refunded refunded => SucceedAsync(tenant, refundId, refunded.ProcessorRefundId, cancellationToken),
        RefundProcessorOutcome.Refused => FailAsync(tenant, refundId, cancellationToken),
        _ => Task.FromResult(false),
    };

    /// <summary>The processor refunded: the refund succeeds with its credit note, event, e-mail and license keys, in one transaction.</summary>
    private async Task<bool> SucceedAsync(Tenant tenant, string refundId, string processorRefundId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE refunds SET status = 'succeeded', processor_refund_id = @processorRefundId, updated_at = @now
            WHERE id = @refundId AND business_id = @businessId AND mode = @mode AND status = 'pending'
            """, new { refundId, processorRefundId, now, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        if (updated != 1)
        {
            return false;
        }
        await IssueCreditNoteAsync(connection, transaction, tenant, refundId, now, cancellationToken);
        await events.RefundAsync(connection, transaction, tenant, refundId, WebhookEventTypes.RefundSucceeded, cancellationToken);
        await licenseKeys.DisableForRefundAsync(connection, transaction, tenant, refundId, cancellationToken);
        await emails.RefundProcessedAsync(connection, transaction, tenant, refundId, cancellationToken);
        faults.ThrowIfRecordingFails(tenant.BusinessId);
        await transaction.CommitAsync(cancellationToken);
        mailSignal.Wake();
        return true;
    }

    /// <summary>The credit note of a succeeded refund, numbered in the refund's transaction (gapless), linked to the payment's invoice if any.</summary>
    private static async Task IssueCreditNoteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string refundId, DateTime now, CancellationToken cancellationToken)
    {
        var sequence = await DocumentNumbers.NextAsync(connection, transaction, tenant, "credit_note", cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO credit_notes (id, business_id, mode, refund_id, invoice_id, sequence, number, issued_at)
            SELECT @id, r.business_id, r.mode, r.id, i.id, @sequence, @number, @now
            FROM refunds r LEFT JOIN invoices i ON i.payment_id = r.payment_id AND i.business_id = r.business_id AND i.mode = r.mode
            WHERE r.id = @refundId AND r.business_id = @businessId AND r.mode = @mode
            """,
            new
            {
                id = Ids.New(Ids.CreditNote),
                sequence,
                number = DocumentNumbers.Format("credit_note", tenant.Mode, sequence),
                now,
                refundId,
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
            }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The processor refused: the refund fails and its reservation is given back.</summary>
    private async Task<bool> FailAsync(Tenant tenant, string refundId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var args = new { refundId, businessId = tenant.BusinessId, mode = tenant.ModeText, now = clock.GetUtcNow().UtcDateTime };
        var paymentId = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            UPDATE refunds SET status = 'failed', updated_at = @now WHERE id = @refundId AND business_id = @businessId AND mode = @mode AND status = 'pending'
            RETURNING payment_id
            """, args, transaction, cancellationToken: cancellationToken));
        if (paymentId is null)
        {
            return false;
        }
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE payments p SET refunded_amount = p.refunded_amount - r.amount, updated_at = @now
            FROM refunds r
            WHERE r.id = @refundId AND r.business_id = @businessId AND r.mode = @mode
              AND p.id = r.payment_id AND p.business_id = @businessId AND p.mode = @mode;
            UPDATE payment_line_items l SET refunded_amount = l.refunded_amount - rl.amount
            FROM refund_line_items rl JOIN refunds r ON r.id = rl.refund_id AND r.business_id = rl.business_id AND r.mode = rl.mode
            WHERE rl.refund_id = @refundId AND rl.business_id = @businessId AND rl.mode = @mode
              AND l.payment_id = r.payment_id AND l.product_id = rl.product_id AND l.business_id = @businessId AND l.mode = @mode;
            """, args, transaction, cancellationToken: cancellationToken));
        await events.RefundAsync(connection, transaction, tenant, refundId, WebhookEventTypes.RefundFailed, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
