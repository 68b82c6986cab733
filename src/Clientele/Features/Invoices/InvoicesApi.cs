using Clientele.Platform.Api;
using Clientele.Platform.Auth;
using Clientele.Primitives;

namespace Clientele.Features.Invoices;

/// <summary>
/// <c>/invoices/payments/{payment_id}</c> and <c>/invoices/refunds/{refund_id}</c>: PDFs. The reference
/// serves them without an API key; here a caller proves access either with the tenant's API key (what
/// the SDK sends) or with the document's 256-bit access token (<c>?token=</c>, the link in
/// invoice_url, receipts and e-mails). A bare payment id is not enough: it appears in URLs and logs.
/// </summary>
public static class InvoicesApi
{
    public static IEndpointRouteBuilder MapInvoicesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/invoices").AcceptApiKey().WithTags("Invoices");
        group.MapGet("/payments/{payment_id}", PaymentInvoiceAsync).WithName("get_payment_invoice")
            .Produces<Stream>(StatusCodes.Status200OK, "application/pdf").Produces<ApiError>(StatusCodes.Status404NotFound);
        group.MapGet("/refunds/{refund_id}", CreditNoteAsync).WithName("get_refund_invoice")
            .Produces<Stream>(StatusCodes.Status200OK, "application/pdf").Produces<ApiError>(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> PaymentInvoiceAsync(string payment_id, string? token, HttpContext context, InvoiceStore store, CancellationToken cancellationToken) =>
        await store.LoadForPaymentAsync(payment_id, Tenant.From(context), token, cancellationToken) is { } invoice
            ? Pdf(context, invoice)
            : ApiResults.NotFound("Invoice");

    private static async Task<IResult> CreditNoteAsync(string refund_id, string? token, HttpContext context, InvoiceStore store, CancellationToken cancellationToken) =>
        await store.LoadForRefundAsync(refund_id, Tenant.From(context), token, cancellationToken) is { } creditNote
            ? Pdf(context, creditNote)
            : ApiResults.NotFound("Credit note");

    private static IResult Pdf(HttpContext context, InvoiceDocument document)
    {
        InvoiceFonts.EnsureInstalled(context.RequestServices.GetRequiredService<IConfiguration>()["Invoices:FontDirectory"] ?? InvoiceFonts.DefaultDirectory);
        context.Response.Headers.CacheControl = "private, no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.File(InvoicePdf.Render(document), "application/pdf", $"{document.Number}.pdf");
    }
}
