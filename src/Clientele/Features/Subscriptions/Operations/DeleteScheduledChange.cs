using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Subscriptions.Operations;

/// <summary>Drops the plan change scheduled for the next billing date.</summary>
public sealed class DeleteScheduledChange(NpgsqlDataSource dataSource, TimeProvider clock, SubscriptionEvents events)
{
    public async Task<Result<bool, SubscriptionFailure>> RunAsync(Tenant tenant, string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var cleared = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions SET scheduled_change_id = NULL, scheduled_product_id = NULL, scheduled_quantity = NULL, scheduled_created_at = NULL, updated_at = @now
            WHERE id = @id AND business_id = @businessId AND mode = @mode AND scheduled_change_id IS NOT NULL
            """, new { id, businessId = tenant.BusinessId, mode = tenant.ModeText, now = clock.GetUtcNow().UtcDateTime }, transaction, cancellationToken: cancellationToken));
        if (cleared == 0)
        {
            return new SubscriptionFailure.NoScheduledChange();
        }
        await events.EmitAsync(connection, transaction, tenant, id, SubscriptionEventTypes.Updated, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
