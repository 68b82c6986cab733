using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Payments;

public abstract record RemovePaymentMethodOutcome
{
    public sealed record Removed : RemovePaymentMethodOutcome;

    public sealed record NotFound : RemovePaymentMethodOutcome;

    /// <summary>Something active still charges it (an active, on-hold or paused subscription).</summary>
    public sealed record InUse : RemovePaymentMethodOutcome;
}

/// <summary>
/// Removes a customer's saved card (soft: payments keep pointing at it) unless something active still
/// charges it, checked in the same statement against the payment_method_uses view that subscriptions extend.
/// </summary>
public sealed class RemovePaymentMethod(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<RemovePaymentMethodOutcome> RunAsync(Tenant tenant, string customerId, string paymentMethodId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var outcome = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            WITH target AS (
                SELECT id FROM payment_methods
                WHERE id = @paymentMethodId AND customer_id = @customerId AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL
                FOR UPDATE),
            deleted AS (
                UPDATE payment_methods pm SET deleted_at = @now FROM target t
                WHERE pm.id = t.id AND pm.business_id = @businessId AND pm.mode = @mode AND NOT EXISTS (
                    SELECT 1 FROM payment_method_uses u WHERE u.payment_method_id = t.id AND u.business_id = @businessId AND u.mode = @mode)
                RETURNING pm.id)
            SELECT CASE WHEN EXISTS (SELECT 1 FROM deleted) THEN 'removed' ELSE 'in_use' END FROM target
            """,
            new { paymentMethodId, customerId, businessId = tenant.BusinessId, mode = tenant.ModeText, now = clock.GetUtcNow().UtcDateTime },
            cancellationToken: cancellationToken));
        return outcome switch
        {
            "removed" => new RemovePaymentMethodOutcome.Removed(),
            "in_use" => new RemovePaymentMethodOutcome.InUse(),
            _ => new RemovePaymentMethodOutcome.NotFound(),
        };
    }
}
