using Clientele.Features.Invoices;
using Clientele.Features.LicenseKeys;
using Clientele.Features.Payments;
using Clientele.Features.Payments.Processor;
using Clientele.Features.Webhooks;
using Clientele.Platform.Api;
using Clientele.Platform.Email;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Refunds;

public abstract record RefundOutcome
{
    public sealed record Created(string RefundId) : RefundOutcome;

    public sealed record PaymentNotFound : RefundOutcome;

    public sealed record Invalid(ValidationError Error) : RefundOutcome;
}

/// <summary>
/// Refunds in two steps so the refunded total can never exceed what was paid: first the amount is
/// reserved on the payment and its lines by guarded updates under the payment's row lock (a pending
/// refund); then the processor refunds with the refund id as idempotency key, and the refund
/// succeeds with its credit note, or fails and gives the reservation back.
/// </summary>
public sealed class RefundService(NpgsqlDataSource dataSource, PaymentProcessors processors, PaymentEvents events, PaymentEmails emails, EmailDispatchSignal mailSignal,
    LicenseKeyIssuer licenseKeys, TimeProvider clock, ILogger<RefundService> logger)
{
    private sealed record Line(string ProductId, long Amount, long RefundedAmount);

    public async Task<RefundOutcome> CreateAsync(Tenant tenant, RefundRequest request, CancellationToken cancellationToken)
    {
        var reserved = await ReserveAsync(tenant, request, cancellationToken);
        if (reserved is not (RefundOutcome.Created created, var chargeId, var total))
        {
            return reserved.Outcome;
        }
        try
        {
            var processor = processors.For(tenant) ?? throw new ProcessorUnavailableException("No processor for this mode.");
            var refund = await processor.RefundAsync(tenant, new ProcessorRefundRequest(chargeId!, total, created.RefundId), cancellationToken);
            await SucceedAsync(tenant, created.RefundId, refund.RefundId, cancellationToken);
        }
        catch (ProcessorUnavailableException)
        {
            // The processor may or may not have refunded: the refund stays pending with its amount
            // reserved; retrying with the same key (the refund id) settles it without a double refund.
            logger.LogWarning("Refund {RefundId} is pending: the processor did not answer", created.RefundId);
        }
        catch (InvalidOperationException)
        {
            await FailAsync(tenant, created.RefundId, cancellationToken);
        }
        return created;
    }

    private async Task<(RefundOutcome Outcome, string? ChargeId, long Total)> ReserveAsync(Tenant tenant, RefundRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var args = new { paymentId = request.PaymentId, businessId = tenant.BusinessId, mode = tenant.ModeText };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var payment = await connection.QuerySingleOrDefaultAsync<(string Status, long TotalAmount, string Currency, string CustomerId, string? SubscriptionId, string? ProcessorChargeId)>(
            new CommandDefinition("""
                SELECT status, total_amount, currency, customer_id, subscription_id, processor_charge_id FROM payments
                WHERE id = @paymentId AND business_id = @businessId AND mode = @mode FOR UPDATE
                """, args, transaction, cancellationToken: cancellationToken));
        if (payment.Status is null)
        {
            return (new RefundOutcome.PaymentNotFound(), null, 0);
        }
        if (payment.Status != "succeeded" || payment.ProcessorChargeId is null)
        {
            return (Invalid("payment_id", "only a succeeded, charged payment can be refunded"), null, 0);
        }
        var lines = (await connection.QueryAsync<Line>(new CommandDefinition(
            "SELECT product_id, amount, refunded_amount FROM payment_line_items WHERE payment_id = @paymentId AND business_id = @businessId AND mode = @mode ORDER BY position",
            args, transaction, cancellationToken: cancellationToken))).ToDictionary(l => l.ProductId);
        var parts = new List<(string ProductId, long Amount)>();
        if (request.Items is null)
        {
            parts.AddRange(lines.Values.Where(l => l.Amount > l.RefundedAmount).Select(l => (l.ProductId, l.Amount - l.RefundedAmount)));
            if (parts.Count == 0)
            {
                return (Invalid("payment_id", "is already fully refunded"), null, 0);
            }
        }
        else
        {
            foreach (var item in request.Items)
            {
                if (!lines.TryGetValue(item.ItemId, out var line))
                {
                    return (Invalid(item.Field + ".item_id", "is not a line item of this payment"), null, 0);
                }
                var left = line.Amount - line.RefundedAmount;
                var amount = item.Amount ?? left;
                if (amount <= 0 || amount > left)
                {
                    return (Invalid(item.Field + ".amount", $"exceeds what is left to refund on this line ({left})"), null, 0);
                }
                parts.Add((item.ItemId, amount));
            }
        }
        var total = parts.Sum(p => p.Amount);
        // Guarded updates: the CHECKs and WHERE clauses refuse any total beyond what was paid.
        var linesUpdated = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE payment_line_items l SET refunded_amount = l.refunded_amount + r.amount
            FROM unnest(@productIds::text[], @amounts::bigint[]) AS r(product_id, amount)
            WHERE l.payment_id = @paymentId AND l.business_id = @businessId AND l.mode = @mode AND l.product_id = r.product_id
              AND l.refunded_amount + r.amount <= l.amount
            """, new { args.paymentId, args.businessId, args.mode, productIds = parts.Select(p => p.ProductId).ToArray(), amounts = parts.Select(p => p.Amount).ToArray() },
            transaction, cancellationToken: cancellationToken));
        var paymentUpdated = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE payments SET refunded_amount = refunded_amount + @total, updated_at = @now
            WHERE id = @paymentId AND business_id = @businessId AND mode = @mode AND refunded_amount + @total <= total_amount
            """, new { args.paymentId, args.businessId, args.mode, total, now }, transaction, cancellationToken: cancellationToken));
        if (linesUpdated != parts.Count || paymentUpdated != 1)
        {
            return (Invalid("items", "exceed what is left to refund"), null, 0);
        }
        var refundId = Ids.New(Ids.Refund);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO refunds (id, business_id, mode, payment_id, customer_id, subscription_id, status, amount, currency, is_partial, reason, metadata, created_at, updated_at)
            VALUES (@refundId, @businessId, @mode, @paymentId, @customerId, @subscriptionId, 'pending', @total, @currency, @isPartial, @reason, @metadata::jsonb, @now, @now);
            INSERT INTO refund_line_items (refund_id, product_id, business_id, mode, amount)
            SELECT @refundId, r.product_id, @businessId, @mode, r.amount FROM unnest(@productIds::text[], @amounts::bigint[]) AS r(product_id, amount);
            """,
            new
            {
                refundId,
                args.businessId,
                args.mode,
                args.paymentId,
                customerId = payment.CustomerId,
                subscriptionId = payment.SubscriptionId,
                total,
                currency = payment.Currency,
                isPartial = total < payment.TotalAmount,
                reason = request.Reason,
                metadata = request.MetadataJson,
                now,
                productIds = parts.Select(p => p.ProductId).ToArray(),
                amounts = parts.Select(p => p.Amount).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (new RefundOutcome.Created(refundId), payment.ProcessorChargeId, total);
    }

    private async Task SucceedAsync(Tenant tenant, string refundId, string processorRefundId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE refunds SET status = 'succeeded', processor_refund_id = @processorRefundId, updated_at = @now
            WHERE id = @refundId AND business_id = @businessId AND mode = @mode AND status = 'pending'
            """, new { refundId, processorRefundId, now, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken));
        if (updated == 1)
        {
            var sequence = await DocumentNumbers.NextAsync(connection, transaction, tenant, "credit_note", cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO credit_notes (id, business_id, mode, refund_id, invoice_id, sequence, number, issued_at)
                SELECT @id, r.business_id, r.mode, r.id, i.id, @sequence, @number, @now
                FROM refunds r LEFT JOIN invoices i ON i.payment_id = r.payment_id
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
            await events.RefundAsync(connection, transaction, tenant, refundId, WebhookEventTypes.RefundSucceeded, cancellationToken);
            await licenseKeys.DisableForRefundAsync(connection, transaction, tenant, refundId, cancellationToken);
            await emails.RefundProcessedAsync(connection, transaction, tenant, refundId, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        if (updated == 1)
        {
            mailSignal.Wake();
        }
    }

    /// <summary>The processor refused: the refund fails and its reservation is given back.</summary>
    private async Task FailAsync(Tenant tenant, string refundId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var args = new { refundId, businessId = tenant.BusinessId, mode = tenant.ModeText, now = clock.GetUtcNow().UtcDateTime };
        var paymentId = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            UPDATE refunds SET status = 'failed', updated_at = @now WHERE id = @refundId AND business_id = @businessId AND mode = @mode AND status = 'pending'
            RETURNING payment_id
            """, args, transaction, cancellationToken: cancellationToken));
        if (paymentId is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE payments p SET refunded_amount = p.refunded_amount - r.amount FROM refunds r WHERE r.id = @refundId AND p.id = r.payment_id;
                UPDATE payment_line_items l SET refunded_amount = l.refunded_amount - rl.amount
                FROM refund_line_items rl JOIN refunds r ON r.id = rl.refund_id
                WHERE rl.refund_id = @refundId AND l.payment_id = r.payment_id AND l.product_id = rl.product_id;
                """, args, transaction, cancellationToken: cancellationToken));
            await events.RefundAsync(connection, transaction, tenant, refundId, WebhookEventTypes.RefundFailed, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static RefundOutcome.Invalid Invalid(string field, string problem) => new(new ValidationError(field, problem));
}
