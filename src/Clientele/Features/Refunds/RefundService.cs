using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Refunds;

public abstract record RefundOutcome
{
    public sealed record Created(string RefundId) : RefundOutcome;

    public sealed record PaymentNotFound : RefundOutcome;

    public sealed record Invalid(ValidationError Error) : RefundOutcome;
}

/// <summary>
/// Refunds in three steps so the refunded total can never exceed what was paid and a refund the
/// processor made is never marked failed: (1) reserve the amount on the payment and its lines by
/// guarded updates under the payment's row lock (a pending refund); (2) ask the processor, with the
/// refund id as idempotency key, for a closed answer; (3) record it (<see cref="RefundSettlement"/>).
/// Only a refusal fails a refund. Whatever goes wrong after step 1 leaves it pending, with its
/// amount reserved, for <see cref="RefundRecovery"/> to settle by the same key.
/// </summary>
public sealed class RefundService(NpgsqlDataSource dataSource, RefundSettlement settlement, IOptions<RefundOptions> options, TimeProvider clock, ILogger<RefundService> logger)
{
    private sealed record Line(string ProductId, long Amount, long RefundedAmount);

    private sealed record Reservation(string RefundId, string ChargeId, long Amount);

    private sealed record FirstRefund(string Id, string PaymentId);

    public async Task<RefundOutcome> CreateAsync(Tenant tenant, RefundRequest request, CancellationToken cancellationToken)
    {
        var (outcome, reservation) = await ReserveAsync(tenant, request, cancellationToken);
        if (reservation is null)
        {
            return outcome;
        }
        // From here the money may move: a client that goes away must not stop the refund half-way.
        RefundProcessorOutcome answer;
        try
        {
            answer = await settlement.AskProcessorAsync(tenant, reservation.RefundId, reservation.ChargeId, reservation.Amount, lookUpFirst: false, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever broke, the processor may have refunded: the outcome is unknown, exactly as with no answer.
            logger.LogError(ex, "Refund {RefundId}: the processor call failed; the outcome is unknown", reservation.RefundId);
            answer = new RefundProcessorOutcome.NoAnswer();
        }
        if (answer is RefundProcessorOutcome.NoAnswer)
        {
            logger.LogWarning("Refund {RefundId} is pending: the processor did not answer; the recovery pass settles it", reservation.RefundId);
            return outcome;
        }
        try
        {
            await settlement.RecordAsync(tenant, reservation.RefundId, answer, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The processor has answered (perhaps refunded): never fail the refund for our own error.
            // It stays pending, and the recovery pass records the processor's answer by the refund id.
            // Answering with the pending refund (not a 500) also keeps clients from retrying into a second refund.
            logger.LogError(ex, "Refund {RefundId} stays pending: recording the processor's answer failed; the recovery pass settles it", reservation.RefundId);
        }
        return outcome;
    }

    private async Task<(RefundOutcome Outcome, Reservation? Reserved)> ReserveAsync(Tenant tenant, RefundRequest request, CancellationToken cancellationToken)
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
            return (new RefundOutcome.PaymentNotFound(), null);
        }
        // Under the payment's row lock, so two requests with one key cannot both pass this check.
        if (request.IdempotencyKey is { } key && await connection.QuerySingleOrDefaultAsync<FirstRefund>(new CommandDefinition(
            "SELECT id, payment_id FROM refunds WHERE business_id = @businessId AND mode = @mode AND idempotency_key = @key",
            new { args.businessId, args.mode, key }, transaction, cancellationToken: cancellationToken)) is { } first)
        {
            return first.PaymentId == request.PaymentId
                ? (new RefundOutcome.Created(first.Id), null)
                : (Invalid("idempotency_key", "was already used for a refund of another payment"), null);
        }
        if (payment.Status != "succeeded" || payment.ProcessorChargeId is null)
        {
            return (Invalid("payment_id", "only a succeeded, charged payment can be refunded"), null);
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
                return (Invalid("payment_id", "is already fully refunded"), null);
            }
        }
        else
        {
            foreach (var item in request.Items)
            {
                if (!lines.TryGetValue(item.ItemId, out var line))
                {
                    return (Invalid(item.Field + ".item_id", "is not a line item of this payment"), null);
                }
                var left = line.Amount - line.RefundedAmount;
                var amount = item.Amount ?? left;
                if (amount <= 0 || amount > left)
                {
                    return (Invalid(item.Field + ".amount", $"exceeds what is left to refund on this line ({left})"), null);
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
            return (Invalid("items", "exceed what is left to refund"), null);
        }
        var refundId = Ids.New(Ids.Refund);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO refunds (id, business_id, mode, payment_id, customer_id, subscription_id, status, amount, currency, is_partial, reason, metadata, created_at, updated_at, claimed_until, idempotency_key)
            VALUES (@refundId, @businessId, @mode, @paymentId, @customerId, @subscriptionId, 'pending', @total, @currency, @isPartial, @reason, @metadata::jsonb, @now, @now, @claimedUntil, @idempotencyKey);
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
                claimedUntil = now + options.Value.Lease,
                idempotencyKey = request.IdempotencyKey,
                productIds = parts.Select(p => p.ProductId).ToArray(),
                amounts = parts.Select(p => p.Amount).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (new RefundOutcome.Created(refundId), new Reservation(refundId, payment.ProcessorChargeId, total));
    }

    private static RefundOutcome.Invalid Invalid(string field, string problem) => new(new ValidationError(field, problem));
}
