using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Refunds;

/// <summary>
/// Settles refunds left pending: the processor never answered, or recording its answer failed.
/// A pass claims pending refunds whose lease has run out (<c>FOR UPDATE SKIP LOCKED</c>, so passes in
/// several processes never share one, and a refund its request is still working on is not touched),
/// extends their lease, asks the processor by the refund id whether it refunded (and refunds with
/// that same key if it never got there), and records the answer once — the guarded update in
/// <see cref="RefundSettlement"/> makes a late second recorder a no-op.
/// </summary>
public sealed class RefundRecovery(NpgsqlDataSource dataSource, RefundSettlement settlement, IOptions<RefundOptions> options, TimeProvider clock, ILogger<RefundRecovery> logger)
{
    private sealed record Stale(string Id, string BusinessId, string Mode, long Amount, string? ChargeId);

    /// <summary>One pass over every business; returns how many refunds it settled.</summary>
    public Task<int> RunOnceAsync(CancellationToken cancellationToken) => RunOnceAsync(null, cancellationToken);

    /// <summary>One pass; <paramref name="businessId"/> limits it to one business (tests).</summary>
    public async Task<int> RunOnceAsync(string? businessId, CancellationToken cancellationToken)
    {
        var settled = 0;
        foreach (var refund in await ClaimAsync(businessId, cancellationToken))
        {
            var tenant = new Tenant(refund.BusinessId, ModeText.Parse(refund.Mode));
            if (refund.ChargeId is null)
            {
                // Cannot happen (only charged payments are refunded), but never guess: leave it for a person.
                logger.LogError("Pending refund {RefundId} has no processor charge to refund", refund.Id);
                continue;
            }
            try
            {
                if (await SettleAsync(tenant, refund.Id, refund.ChargeId, refund.Amount, cancellationToken))
                {
                    settled++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One refund's trouble must not stop the others (nor the loop); it is tried again after its lease.
                logger.LogError(ex, "Pending refund {RefundId} could not be settled; trying again after the lease", refund.Id);
            }
        }
        return settled;
    }

    private async Task<bool> SettleAsync(Tenant tenant, string refundId, string chargeId, long amount, CancellationToken cancellationToken)
    {
        var answer = await settlement.AskProcessorAsync(tenant, refundId, chargeId, amount, lookUpFirst: true, cancellationToken);
        if (answer is RefundProcessorOutcome.NoAnswer)
        {
            logger.LogWarning("Pending refund {RefundId}: the processor still does not answer; trying again after the lease", refundId);
            return false;
        }
        var recorded = await settlement.RecordAsync(tenant, refundId, answer, cancellationToken);
        if (recorded)
        {
            logger.LogInformation("Pending refund {RefundId} settled by the recovery pass: {Outcome}", refundId, answer.GetType().Name);
        }
        return recorded;
    }

    private async Task<List<Stale>> ClaimAsync(string? businessId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Stale>(new CommandDefinition("""
            WITH claimed AS (
                SELECT id FROM refunds
                WHERE status = 'pending' AND claimed_until < @now AND (@businessId::text IS NULL OR business_id = @businessId)
                ORDER BY claimed_until LIMIT @limit FOR UPDATE SKIP LOCKED
            )
            UPDATE refunds r SET claimed_until = @until FROM claimed
            WHERE r.id = claimed.id
            RETURNING r.id, r.business_id, r.mode, r.amount,
                (SELECT p.processor_charge_id FROM payments p WHERE p.id = r.payment_id AND p.business_id = r.business_id AND p.mode = r.mode) AS charge_id
            """, new { now, until = now + options.Value.Lease, businessId, limit = options.Value.BatchSize }, cancellationToken: cancellationToken))).AsList();
    }
}
