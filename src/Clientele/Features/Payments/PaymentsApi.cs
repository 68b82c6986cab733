using Clientele.Platform;
using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Payments;

/// <summary><c>/payments</c> (read side), as the reference API.</summary>
public static class PaymentsApi
{
    public static readonly string[] Statuses =
    [
        "succeeded", "failed", "cancelled", "processing", "requires_customer_action", "requires_merchant_action",
        "requires_payment_method", "requires_confirmation", "requires_capture", "partially_captured", "partially_captured_and_capturable",
    ];

    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/payments").RequireApiKey().WithTags("Payments");
        group.MapGet("", ListAsync).WithName("list_payments")
            .Produces<Page<PaymentListItem>>().ProducesApiErrors(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{payment_id}", GetAsync).WithName("get_payment")
            .Produces<PaymentResponse>().ProducesApiErrors(StatusCodes.Status404NotFound);
        group.MapGet("/{payment_id}/line-items", LineItemsAsync).WithName("get_payment_line_items")
            .Produces<PaymentLineItemsResponse>().ProducesApiErrors(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Invoice links point at the server root (the live base), where the invoice endpoints are served for both modes.</summary>
    public static string InvoiceBase(PublicUrlOptions urls) => urls.Live.TrimEnd('/');

    private static async Task<IResult> ListAsync(HttpRequest request, Tenant tenant, PaymentQueries queries, IOptions<PublicUrlOptions> urls, CancellationToken cancellationToken)
    {
        var query = new QueryReader(request.Query);
        var paging = query.Paging();
        var status = query.String("status");
        if (status is not null && !Statuses.Contains(status))
        {
            query.AddError("status", $"must be one of {string.Join(", ", Statuses)}");
        }
        var currency = query.String("currency");
        if (currency is not null && !Currency.TryFind(currency, out _))
        {
            query.AddError("currency", "is not an ISO-4217 currency code such as USD");
        }
        var filter = new PaymentFilter(query.Timestamp("created_at_gte"), query.Timestamp("created_at_lte"), query.String("customer_id"),
            query.String("subscription_id"), status, query.String("product_id"), currency);
        var brand = query.String("brand_id");
        if (query.HasErrors)
        {
            return query.ErrorResult;
        }
        if (brand is not null && brand != tenant.BusinessId)
        {
            return Results.Ok(new Page<PaymentListItem>([]));
        }
        var rows = await queries.ListAsync(tenant, filter, paging, cancellationToken);
        var publicBase = InvoiceBase(urls.Value);
        return Results.Ok(new Page<PaymentListItem>([.. rows.Select(p => PaymentListItem.From(p, publicBase))]));
    }

    private static async Task<IResult> GetAsync(string payment_id, Tenant tenant, PaymentQueries queries, IOptions<PublicUrlOptions> urls, CancellationToken cancellationToken) =>
        await queries.FindAsync(tenant, payment_id, cancellationToken) is { } found
            ? Results.Ok(PaymentResponse.From(found.Payment, found.Refunds, found.Cart, InvoiceBase(urls.Value)))
            : ApiResults.NotFound("Payment");

    private static async Task<IResult> LineItemsAsync(string payment_id, Tenant tenant, PaymentQueries queries, CancellationToken cancellationToken) =>
        await queries.LineItemsAsync(tenant, payment_id, cancellationToken) is { } items ? Results.Ok(items) : ApiResults.NotFound("Payment");
}
