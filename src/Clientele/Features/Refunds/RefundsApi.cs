using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;

namespace Clientele.Features.Refunds;

/// <summary><c>/refunds</c>, as the reference API.</summary>
public static class RefundsApi
{
    private static readonly string[] Statuses = ["succeeded", "failed", "pending", "review"];

    public static IEndpointRouteBuilder MapRefundsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/refunds").RequireApiKey().WithTags("Refunds");
        group.MapPost("", CreateAsync).WithName("create_refund").Accepts<CreateRefundRequest>("application/json")
            .Produces<RefundResponse>().ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        group.MapGet("", ListAsync).WithName("list_refunds")
            .Produces<Page<RefundListItem>>().ProducesApiErrors(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{refund_id}", GetAsync).WithName("get_refund")
            .Produces<RefundResponse>().ProducesApiErrors(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, Tenant tenant, RefundService refunds, RefundQueries queries, CancellationToken cancellationToken)
    {
        var parsed = await JsonBody.ParseAsync(request, RefundInput.Parse, cancellationToken);
        if (parsed.Failed)
        {
            return parsed.Error;
        }
        var outcome = await refunds.CreateAsync(tenant, parsed.Input, cancellationToken);
        var created = outcome is RefundOutcome.Created { RefundId: var id } ? await queries.FindAsync(tenant, id, cancellationToken) : null;
        return RefundHttp.ToResult(outcome, created);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, Tenant tenant, RefundQueries queries, CancellationToken cancellationToken)
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
        var filter = new RefundFilter(gte, lte, status, query.String("customer_id"), query.String("subscription_id"));
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        var rows = await queries.ListAsync(tenant, filter, paging, cancellationToken);
        return Results.Ok(new Page<RefundListItem>([.. rows.Select(r => r.ToListItem())]));
    }

    private static async Task<IResult> GetAsync(string refund_id, Tenant tenant, RefundQueries queries, CancellationToken cancellationToken) =>
        await queries.FindAsync(tenant, refund_id, cancellationToken) is { } refund ? Results.Ok(refund.ToResponse()) : ApiResults.NotFound("Refund");
}

/// <summary>The one place a refund outcome becomes HTTP.</summary>
public static class RefundHttp
{
    /// <param name="created">The refund as read back after <see cref="RefundOutcome.Created"/>.</param>
    public static IResult ToResult(RefundOutcome outcome, RefundRow? created) => outcome switch
    {
        RefundOutcome.Created when created is not null => Results.Ok(created.ToResponse()),
        RefundOutcome.Created refund => throw new InvalidOperationException($"Refund {refund.RefundId} vanished right after it was created."),
        RefundOutcome.Invalid invalid => ApiResults.Invalid(invalid.Error),
        RefundOutcome.PaymentNotFound => ApiResults.NotFound("Payment"),
        _ => throw new InvalidOperationException($"Unmapped refund outcome {outcome}."),
    };
}
