using System.Text;
using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Refunds;

/// <summary><c>/refunds</c>, as the reference API.</summary>
public static class RefundsApi
{
    private static readonly string[] Statuses = ["succeeded", "failed", "pending", "review"];

    public static IEndpointRouteBuilder MapRefundsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/refunds").RequireApiKey().WithTags("Refunds");
        group.MapPost("", CreateAsync).WithName("create_refund");
        group.MapGet("", ListAsync).WithName("list_refunds");
        group.MapGet("/{refund_id}", GetAsync).WithName("get_refund");
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, Tenant tenant, RefundService refunds, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, RefundInput.Parse, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var input = parsed.Input;
        return await refunds.CreateAsync(tenant, input, cancellationToken) switch
        {
            RefundOutcome.Created created => Results.Ok((await FindAsync(dataSource, tenant, created.RefundId, cancellationToken))!.ToResponse()),
            RefundOutcome.Invalid invalid => ApiResults.Invalid(invalid.Error),
            _ => ApiResults.NotFound("Payment"),
        };
    }

    private static async Task<IResult> ListAsync(HttpRequest request, Tenant tenant, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var query = new QueryReader(request.Query);
        var paging = query.Paging();
        var gte = query.Timestamp("created_at_gte");
        var lte = query.Timestamp("created_at_lte");
        var status = query.String("status");
        if (status is not null && !Statuses.Contains(status))
        {
            query.AddError("status", $"must be one of {string.Join(", ", Statuses)}");
        }
        var customerId = query.String("customer_id");
        var subscriptionId = query.String("subscription_id");
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        var sql = new StringBuilder(RefundRow.Select).Append(" WHERE r.business_id = @businessId AND r.mode = @mode");
        sql.Append(gte is null ? "" : " AND r.created_at >= @gte").Append(lte is null ? "" : " AND r.created_at <= @lte")
            .Append(status is null ? "" : " AND r.status = @status").Append(customerId is null ? "" : " AND r.customer_id = @customerId")
            .Append(subscriptionId is null ? "" : " AND r.subscription_id = @subscriptionId")
            .Append(" ORDER BY r.created_at DESC, r.id DESC LIMIT @limit OFFSET @offset");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RefundRow>(new CommandDefinition(sql.ToString(), new
        {
            businessId = tenant.BusinessId,
            mode = tenant.ModeText,
            gte,
            lte,
            status,
            customerId,
            subscriptionId,
            limit = paging.Size,
            offset = paging.Offset,
        }, cancellationToken: cancellationToken));
        return Results.Ok(new Page<RefundListItem>([.. rows.Select(r => r.ToListItem())]));
    }

    private static async Task<IResult> GetAsync(string refund_id, Tenant tenant, NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        await FindAsync(dataSource, tenant, refund_id, cancellationToken) is { } refund ? Results.Ok(refund.ToResponse()) : ApiResults.NotFound("Refund");

    private static async Task<RefundRow?> FindAsync(NpgsqlDataSource dataSource, Tenant tenant, string refundId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RefundRow>(new CommandDefinition(
            RefundRow.Select + " WHERE r.id = @refundId AND r.business_id = @businessId AND r.mode = @mode",
            new { refundId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
    }
}
