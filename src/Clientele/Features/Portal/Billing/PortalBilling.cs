using Clientele.Features.Invoices;
using Clientele.Features.Payments;
using Clientele.Features.Portal.Sessions;
using Clientele.Platform.Api;
using Dapper;
using Npgsql;

namespace Clientele.Features.Portal.Billing;

/// <summary>A refund of one of the customer's payments, with its credit note's number once it succeeded.</summary>
public sealed record PortalRefund(string Id, string PaymentId, string Status, long Amount, string Currency, DateTime CreatedAt, string? CreditNoteNumber);

/// <summary>One payment as the billing page shows it: what was bought, its invoice and its refunds.</summary>
public sealed record PortalPayment(PaymentRow Payment, IReadOnlyList<string> Items, string? InvoiceNumber, IReadOnlyList<PortalRefund> Refunds)
{
    /// <summary>
    /// The status the customer reads: a succeeded payment with money going back is refunded or
    /// partially refunded (from the payment's refunded amount, which pending refunds reserve too).
    /// </summary>
    public string StatusKey => Payment.Status == "succeeded" && Payment.RefundStatus is { } refund
        ? refund == "full" ? "BillStatus_refunded" : "BillStatus_partially_refunded"
        : "PayStatus_" + Payment.Status;
}

public sealed record BillingHistory(IReadOnlyList<PortalPayment> Payments, bool HasOlder);

/// <summary>
/// What the portal reads of payments, invoices and credit notes: only the session's customer's, in
/// its business and mode. A page costs a fixed number of queries whatever its length: the payments
/// (the Payments feature's own list), whether an older page exists, the line items and invoice
/// numbers of the page, and the page's refunds with their credit notes.
/// </summary>
public sealed class PortalBilling(NpgsqlDataSource dataSource, PaymentQueries payments, InvoiceStore invoices)
{
    public const int PageSize = 20;

    public async Task<BillingHistory> ListAsync(PortalSession session, int pageNumber, CancellationToken cancellationToken)
    {
        // A card saved or changed through the hosted page leaves a payment of nothing (is_update_payment_method,
        // $0): no money moved and there is no invoice, so in a list of what the customer paid it would read as a
        // $0 purchase of their product. It is left out here, in the query, so paging stays exact; the card itself
        // is on the Payment methods page. A card change that paid an on-hold subscription's dues moved money
        // and keeps its row and invoice.
        var filter = new PaymentFilter(null, null, session.CustomerId, null, null, null, null) { ExcludeCardChecks = true };
        var rows = await payments.ListAsync(session.Tenant, filter, new Paging(pageNumber, PageSize), cancellationToken);
        // The first payment of the next page, if any, tells whether there is an older page.
        var next = await payments.ListAsync(session.Tenant, filter, new Paging((pageNumber + 1) * PageSize, 1), cancellationToken);
        if (rows.Count == 0)
        {
            return new BillingHistory([], next.Count > 0);
        }
        var args = new
        {
            ids = rows.Select(r => r.Id).ToArray(),
            customerId = session.CustomerId,
            businessId = session.Tenant.BusinessId,
            mode = session.Tenant.ModeText,
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (lines, numbers) = await ItemsAndNumbersAsync(connection, args.ids, [args.businessId], args.mode, cancellationToken);
        var refunds = (await connection.QueryAsync<PortalRefund>(new CommandDefinition("""
            SELECT r.id, r.payment_id, r.status, r.amount, r.currency, r.created_at, n.number AS credit_note_number
            FROM refunds r
            LEFT JOIN credit_notes n ON n.refund_id = r.id AND n.business_id = r.business_id AND n.mode = r.mode
            WHERE r.payment_id = ANY(@ids) AND r.customer_id = @customerId AND r.business_id = @businessId AND r.mode = @mode
            ORDER BY r.created_at DESC, r.id DESC
            """, args, cancellationToken: cancellationToken))).ToLookup(r => r.PaymentId);
        return new BillingHistory(
            [.. rows.Select(p => new PortalPayment(
                p,
                [.. lines[p.Id]],
                numbers.GetValueOrDefault(p.Id),
                [.. refunds[p.Id]]))],
            next.Count > 0);
    }

    /// <summary>
    /// What each of the given payments bought ("name × quantity") and its invoice number, in two
    /// queries, read only in the given businesses and mode (the ids come from a query that already
    /// scoped them to the customer).
    /// </summary>
    public static async Task<(ILookup<string, string> Items, IReadOnlyDictionary<string, string> InvoiceNumbers)> ItemsAndNumbersAsync(
        NpgsqlConnection connection, string[] paymentIds, string[] businessIds, string mode, CancellationToken cancellationToken)
    {
        var args = new { ids = paymentIds, businessIds, mode };
        var lines = (await connection.QueryAsync<(string PaymentId, string Name, int Quantity)>(new CommandDefinition("""
            SELECT payment_id, name, quantity FROM payment_line_items
            WHERE payment_id = ANY(@ids) AND business_id = ANY(@businessIds) AND mode = @mode
            ORDER BY payment_id, position
            """, args, cancellationToken: cancellationToken))).ToLookup(l => l.PaymentId, l => l.Quantity > 1 ? $"{l.Name} × {l.Quantity}" : l.Name);
        var numbers = (await connection.QueryAsync<(string PaymentId, string Number)>(new CommandDefinition(
            "SELECT payment_id, number FROM invoices WHERE payment_id = ANY(@ids) AND business_id = ANY(@businessIds) AND mode = @mode",
            args, cancellationToken: cancellationToken))).ToDictionary(n => n.PaymentId, n => n.Number);
        return (lines, numbers);
    }

    /// <summary>The invoice of one of the session customer's payments; null for anyone else's (or none yet).</summary>
    public async Task<InvoiceDocument?> InvoiceAsync(PortalSession session, string paymentId, CancellationToken cancellationToken) =>
        await OwnsAsync(session, "payments", paymentId, cancellationToken)
            ? await invoices.LoadForPaymentAsync(paymentId, session.Tenant, null, cancellationToken)
            : null;

    /// <summary>The credit note of one of the session customer's refunds; null for anyone else's (or none yet).</summary>
    public async Task<InvoiceDocument?> CreditNoteAsync(PortalSession session, string refundId, CancellationToken cancellationToken) =>
        await OwnsAsync(session, "refunds", refundId, cancellationToken)
            ? await invoices.LoadForRefundAsync(refundId, session.Tenant, null, cancellationToken)
            : null;

    /// <summary>The same PDF bytes the API serves for the document.</summary>
    public static byte[] Render(IConfiguration configuration, InvoiceDocument document)
    {
        InvoiceFonts.EnsureInstalled(configuration["Invoices:FontDirectory"] ?? InvoiceFonts.DefaultDirectory);
        return InvoicePdf.Render(document);
    }

    // The table name is one of two constants above, never input.
    private async Task<bool> OwnsAsync(PortalSession session, string table, string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            $"SELECT EXISTS (SELECT 1 FROM {table} WHERE id = @id AND customer_id = @customerId AND business_id = @businessId AND mode = @mode)",
            new { id, customerId = session.CustomerId, businessId = session.Tenant.BusinessId, mode = session.Tenant.ModeText }, cancellationToken: cancellationToken));
    }
}
