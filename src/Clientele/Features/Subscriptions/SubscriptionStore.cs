using System.Text;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Subscriptions;

public sealed record SubscriptionFilter(DateTime? CreatedAtGte, DateTime? CreatedAtLte, string? CustomerId, string? Status, string? ProductId, bool? CancelAtNextBillingDate);

/// <summary>Reads subscriptions. Every query filters by business and mode.</summary>
public sealed class SubscriptionStore(NpgsqlDataSource dataSource)
{
    public static Task<Subscription?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Tenant tenant, string id, CancellationToken cancellationToken, bool forUpdate = false) =>
        connection.QuerySingleOrDefaultAsync<Subscription>(new CommandDefinition(
            Subscription.Select + " WHERE s.id = @id AND s.business_id = @businessId AND s.mode = @mode" + (forUpdate ? " FOR UPDATE OF s" : ""),
            new { id, businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken))!;

    /// <summary>Several subscriptions of one tenant; <paramref name="forUpdate"/> locks them in id order (so two such callers never deadlock).</summary>
    public static async Task<IReadOnlyList<Subscription>> FindManyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Tenant tenant, IReadOnlyList<string> ids, CancellationToken cancellationToken, bool forUpdate = false) =>
        (await connection.QueryAsync<Subscription>(new CommandDefinition(
            Subscription.Select + " WHERE s.id = ANY (@ids) AND s.business_id = @businessId AND s.mode = @mode ORDER BY s.id" + (forUpdate ? " FOR UPDATE OF s" : ""),
            new { ids = ids.ToArray(), businessId = tenant.BusinessId, mode = tenant.ModeText }, transaction, cancellationToken: cancellationToken))).AsList();

    /// <summary>What an on_hold subscription owes: its failed charges that no payment has settled yet.</summary>
    public static Task<long> DuesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Subscription subscription, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<long>(new CommandDefinition("""
            SELECT coalesce(sum(amount), 0)::bigint FROM subscription_charges
            WHERE subscription_id = @id AND business_id = @businessId AND mode = @mode AND is_due AND settled_by IS NULL
            """, new { id = subscription.Id, businessId = subscription.BusinessId, mode = subscription.Mode }, transaction, cancellationToken: cancellationToken));

    public async Task<Subscription?> FindAsync(Tenant tenant, string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, null, tenant, id, cancellationToken);
    }

    public async Task<IReadOnlyList<Subscription>> ListAsync(Tenant tenant, SubscriptionFilter filter, Paging paging, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(Subscription.Select).Append(" WHERE s.business_id = @businessId AND s.mode = @mode");
        if (filter.CreatedAtGte is not null)
        {
            sql.Append(" AND s.created_at >= @CreatedAtGte");
        }
        if (filter.CreatedAtLte is not null)
        {
            sql.Append(" AND s.created_at <= @CreatedAtLte");
        }
        if (filter.CustomerId is not null)
        {
            sql.Append(" AND s.customer_id = @CustomerId");
        }
        if (filter.Status is not null)
        {
            sql.Append(" AND s.status = @Status");
        }
        if (filter.ProductId is not null)
        {
            sql.Append(" AND s.product_id = @ProductId");
        }
        if (filter.CancelAtNextBillingDate is not null)
        {
            sql.Append(" AND s.cancel_at_next_billing_date = @CancelAtNextBillingDate");
        }
        sql.Append(" ORDER BY s.created_at DESC, s.id DESC LIMIT @limit OFFSET @offset");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Subscription>(new CommandDefinition(sql.ToString(), new
        {
            businessId = tenant.BusinessId,
            mode = tenant.ModeText,
            filter.CreatedAtGte,
            filter.CreatedAtLte,
            filter.CustomerId,
            filter.Status,
            filter.ProductId,
            filter.CancelAtNextBillingDate,
            limit = paging.Size,
            offset = paging.Offset,
        }, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
