using System.Text;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Refunds;

/// <summary>GET /refunds filters; null means "any".</summary>
public sealed record RefundFilter(DateTime? CreatedAtGte, DateTime? CreatedAtLte, string? Status, string? CustomerId, string? SubscriptionId);

/// <summary>Reads refunds of one tenant.</summary>
public sealed class RefundQueries(NpgsqlDataSource dataSource)
{
    public async Task<RefundRow?> FindAsync(Tenant tenant, string refundId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RefundRow>(new CommandDefinition(
            RefundRow.Select + " WHERE r.id = @refundId AND r.business_id = @businessId AND r.mode = @mode",
            new { refundId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
    }

    /// <summary>Newest first, with a stable tiebreak.</summary>
    public async Task<IReadOnlyList<RefundRow>> ListAsync(Tenant tenant, RefundFilter filter, Paging paging, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(RefundRow.Select).Append(" WHERE r.business_id = @businessId AND r.mode = @mode");
        sql.Append(filter.CreatedAtGte is null ? "" : " AND r.created_at >= @CreatedAtGte").Append(filter.CreatedAtLte is null ? "" : " AND r.created_at <= @CreatedAtLte")
            .Append(filter.Status is null ? "" : " AND r.status = @Status").Append(filter.CustomerId is null ? "" : " AND r.customer_id = @CustomerId")
            .Append(filter.SubscriptionId is null ? "" : " AND r.subscription_id = @SubscriptionId")
            .Append(" ORDER BY r.created_at DESC, r.id DESC LIMIT @limit OFFSET @offset");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<RefundRow>(new CommandDefinition(sql.ToString(), new
        {
            businessId = tenant.BusinessId,
            mode = tenant.ModeText,
            filter.CreatedAtGte,
            filter.CreatedAtLte,
            filter.Status,
            filter.CustomerId,
            filter.SubscriptionId,
            limit = paging.Size,
            offset = paging.Offset,
        }, cancellationToken: cancellationToken))).AsList();
    }
}
