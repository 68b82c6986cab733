using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Invoices;

public sealed record InvoiceRef(string Id, string PaymentId, string Number)
{
    /// <summary>The PDF's path with its access token: what a customer can open without an API key.</summary>
    public string PublicPath => $"/invoices/payments/{PaymentId}?token={DocumentAccess.InvoiceToken(PaymentId)}";
}

public sealed record InvoiceLine(string ProductId, string Name, int Quantity, long UnitAmount, long DiscountAmount, long Amount, long Tax);

/// <summary>Everything a PDF shows, read in two queries.</summary>
public sealed record InvoiceDocument(
    string Number,
    string Title,
    DateTime IssuedAt,
    string Currency,
    string SellerName,
    string? SellerEmail,
    string BuyerName,
    string BuyerEmail,
    string? BuyerCountry,
    string Reference,
    IReadOnlyList<InvoiceLine> Lines,
    long Subtotal,
    long Tax,
    long Total,
    string? Note,
    string? BuyerAddress = null,
    string? BuyerTaxId = null);

public sealed class InvoiceStore(NpgsqlDataSource dataSource)
{
    public async Task<InvoiceRef?> FindByPaymentAsync(Tenant tenant, string paymentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<InvoiceRef>(new CommandDefinition(
            "SELECT id, payment_id, number FROM invoices WHERE payment_id = @paymentId AND business_id = @businessId AND mode = @mode",
            new { paymentId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The invoice of a payment, for a caller that proved access either with the tenant's API key or
    /// with the invoice's access token (<see cref="DocumentAccess"/>; a link issued before, by the hash kept of it).
    /// </summary>
    public async Task<InvoiceDocument?> LoadForPaymentAsync(string paymentId, Tenant? tenant, string? token, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var head = await connection.QuerySingleOrDefaultAsync<Head>(new CommandDefinition("""
            SELECT i.number, i.issued_at, i.currency, i.seller->>'name' AS seller_name, i.seller->>'support_email' AS seller_email,
                   i.buyer->>'name' AS buyer_name, i.buyer->>'email' AS buyer_email, i.buyer->'billing'->>'country' AS buyer_country,
                   i.payment_id, i.subtotal, i.tax, i.total, i.business_id, i.mode,
                   concat_ws(', ', nullif(i.buyer->'billing'->>'street', ''), nullif(i.buyer->'billing'->>'city', ''),
                             nullif(concat_ws(' ', nullif(i.buyer->'billing'->>'state', ''), nullif(i.buyer->'billing'->>'zipcode', '')), '')) AS buyer_address,
                   i.buyer->>'tax_id' AS buyer_tax_id
            FROM invoices i
            WHERE i.payment_id = @paymentId
              AND ((@businessId::text IS NOT NULL AND i.business_id = @businessId AND i.mode = @mode) OR @tokenValid OR (@token::text IS NOT NULL AND i.access_token_hash = sha256(convert_to(@token, 'UTF8'))))
            """, new { paymentId, businessId = tenant?.BusinessId, mode = tenant?.ModeText, token, tokenValid = DocumentAccess.IsInvoiceToken(paymentId, token) }, cancellationToken: cancellationToken));
        if (head is null)
        {
            return null;
        }
        var lines = (await connection.QueryAsync<InvoiceLine>(new CommandDefinition("""
            SELECT product_id, name, quantity, unit_amount, discount_amount, amount, tax FROM payment_line_items
            WHERE payment_id = @paymentId AND business_id = @businessId AND mode = @mode ORDER BY position
            """, new { paymentId, businessId = head.BusinessId, mode = head.Mode }, cancellationToken: cancellationToken))).AsList();
        return new InvoiceDocument(head.Number, "Invoice", head.IssuedAt, head.Currency, head.SellerName, head.SellerEmail, head.BuyerName, head.BuyerEmail,
            head.BuyerCountry, head.PaymentId, lines, head.Subtotal, head.Tax, head.Total, null,
            string.IsNullOrEmpty(head.BuyerAddress) ? null : head.BuyerAddress, head.BuyerTaxId);
    }

    /// <summary>The credit note of a succeeded refund, with the same access rule as invoices.</summary>
    public async Task<InvoiceDocument?> LoadForRefundAsync(string refundId, Tenant? tenant, string? token, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var head = await connection.QuerySingleOrDefaultAsync<CreditHead>(new CommandDefinition("""
            SELECT n.number, n.issued_at, r.currency, b.name AS seller_name, b.support_email AS seller_email, c.name AS buyer_name,
                   c.email AS buyer_email, p.billing->>'country' AS buyer_country, r.id AS refund_id, r.amount, i.number AS invoice_number,
                   r.business_id, r.mode
            FROM credit_notes n
            JOIN refunds r ON r.id = n.refund_id
            JOIN payments p ON p.id = r.payment_id
            JOIN businesses b ON b.id = r.business_id
            JOIN customers c ON c.id = r.customer_id
            LEFT JOIN invoices i ON i.id = n.invoice_id
            WHERE n.refund_id = @refundId
              AND ((@businessId::text IS NOT NULL AND n.business_id = @businessId AND n.mode = @mode) OR @tokenValid OR (@token::text IS NOT NULL AND n.access_token_hash = sha256(convert_to(@token, 'UTF8'))))
            """, new { refundId, businessId = tenant?.BusinessId, mode = tenant?.ModeText, token, tokenValid = DocumentAccess.IsCreditNoteToken(refundId, token) }, cancellationToken: cancellationToken));
        if (head is null)
        {
            return null;
        }
        var lines = (await connection.QueryAsync<InvoiceLine>(new CommandDefinition("""
            SELECT rl.product_id, coalesce(pl.name, rl.product_id) AS name, 1 AS quantity, rl.amount AS unit_amount, 0::bigint AS discount_amount, rl.amount, 0::bigint AS tax
            FROM refund_line_items rl
            JOIN refunds r ON r.id = rl.refund_id
            LEFT JOIN payment_line_items pl ON pl.payment_id = r.payment_id AND pl.product_id = rl.product_id
            WHERE rl.refund_id = @refundId AND rl.business_id = @businessId AND rl.mode = @mode
            ORDER BY pl.position
            """, new { refundId, businessId = head.BusinessId, mode = head.Mode }, cancellationToken: cancellationToken))).AsList();
        return new InvoiceDocument(head.Number, "Credit note", head.IssuedAt, head.Currency, head.SellerName, head.SellerEmail, head.BuyerName,
            head.BuyerEmail, head.BuyerCountry, head.RefundId, lines, head.Amount, 0, head.Amount,
            head.InvoiceNumber is null ? null : $"Credits invoice {head.InvoiceNumber}.");
    }

    private sealed record CreditHead(string Number, DateTime IssuedAt, string Currency, string SellerName, string? SellerEmail, string BuyerName,
        string BuyerEmail, string? BuyerCountry, string RefundId, long Amount, string? InvoiceNumber, string BusinessId, string Mode);

    private sealed record Head(string Number, DateTime IssuedAt, string Currency, string SellerName, string? SellerEmail, string BuyerName, string BuyerEmail,
        string? BuyerCountry, string PaymentId, long Subtotal, long Tax, long Total, string BusinessId, string Mode, string? BuyerAddress, string? BuyerTaxId);
}
