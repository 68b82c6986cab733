using System.Text.Json;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Dashboard.CustomerDetail;

/// <summary>A line of a payment: what was paid for it and what is already refunded (or reserved by a pending refund).</summary>
public sealed record PaymentLine(string ProductId, string Name, int Quantity, long Amount, long Refunded)
{
    public long Refundable => Amount - Refunded;
}

/// <summary>A refund of a payment, with its credit note's number once it succeeded.</summary>
public sealed record PaymentRefund(string Id, string Status, long Amount, string? Reason, DateTime CreatedAt, string? CreditNote);

/// <summary>One row of the Payments tab: the payment, its method, invoice, lines and refunds.</summary>
public sealed class CustomerPayment
{
    public string Id { get; init; } = "";

    public string Status { get; init; } = "";

    public string Currency { get; init; } = "";

    public long TotalAmount { get; init; }

    /// <summary>What succeeded refunds took back plus what pending ones reserve.</summary>
    public long RefundedAmount { get; init; }

    public DateTime CreatedAt { get; init; }

    public string? SubscriptionId { get; init; }

    public string? CardNetwork { get; init; }

    public string? CardLastFour { get; init; }

    public string CustomerEmail { get; init; } = "";

    public string? InvoiceNumber { get; init; }

    public string LinesJson { get; init; } = "[]";

    public string RefundsJson { get; init; } = "[]";

    public IReadOnlyList<PaymentLine> Lines => JsonSerializer.Deserialize<List<PaymentLine>>(LinesJson, Json) ?? [];

    public IReadOnlyList<PaymentRefund> Refunds => JsonSerializer.Deserialize<List<PaymentRefund>>(RefundsJson, Json) ?? [];

    public long Refundable => Status == "succeeded" ? TotalAmount - RefundedAmount : 0;

    /// <summary>The status a merchant reads: a succeeded payment with money going back is refunded or partially refunded.</summary>
    public string StatusKey => Status switch
    {
        "succeeded" when RefundedAmount > 0 => RefundedAmount >= TotalAmount ? "refunded" : "partially_refunded",
        "succeeded" or "failed" or "cancelled" or "processing" => Status,
        _ => "pending",
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

/// <summary>A page of payments and whether an older page exists (its cursor is the last row's id).</summary>
public sealed record CustomerPaymentPage(IReadOnlyList<CustomerPayment> Rows, string? OlderCursor);

/// <summary>
/// The Payments tab's reads: one customer's payments in the person's business and mode, newest first,
/// keyset-paged (<c>before</c> = the last id seen; index <c>payments_by_customer</c>), each with its method,
/// invoice number, line items and refunds (with credit notes) in the one statement — no query per row.
/// </summary>
public sealed class CustomerPayments(NpgsqlDataSource dataSource)
{
    public const int PageSize = 20;

    public async Task<CustomerPaymentPage> ListAsync(Tenant tenant, string customerId, string? before, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<CustomerPayment>(new CommandDefinition(Select + """
             WHERE p.business_id = @businessId AND p.mode = @mode AND p.customer_id = @customerId
               AND (@before::text IS NULL OR (p.created_at, p.id) < (
                    SELECT b.created_at, b.id FROM payments b WHERE b.id = @before AND b.business_id = @businessId AND b.mode = @mode AND b.customer_id = @customerId))
            ORDER BY p.created_at DESC, p.id DESC
            LIMIT @limit
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, customerId, before, limit = PageSize + 1 }, cancellationToken: cancellationToken))).AsList();
        var older = rows.Count > PageSize ? rows[PageSize - 1].Id : null;
        return new CustomerPaymentPage(rows.Count > PageSize ? rows[..PageSize] : rows, older);
    }

    /// <summary>One payment of this customer (null for anyone else's, another business's or mode's).</summary>
    public async Task<CustomerPayment?> FindAsync(Tenant tenant, string customerId, string paymentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CustomerPayment>(new CommandDefinition(Select + """
             WHERE p.id = @paymentId AND p.business_id = @businessId AND p.mode = @mode AND p.customer_id = @customerId
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, customerId, paymentId }, cancellationToken: cancellationToken));
    }

    /// <summary>Whether the refund is of one of this customer's payments in the tenant.</summary>
    public async Task<bool> OwnsRefundAsync(Tenant tenant, string customerId, string refundId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM refunds WHERE id = @refundId AND customer_id = @customerId AND business_id = @businessId AND mode = @mode)",
            new { refundId, customerId, businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken));
    }

    private const string Select = """
        SELECT p.id, p.status, p.currency, p.total_amount, p.refunded_amount, p.created_at, p.subscription_id, p.card_network, p.card_last_four,
               c.email AS customer_email, i.number AS invoice_number,
               coalesce(l.lines, '[]')::text AS lines_json, coalesce(r.refunds, '[]')::text AS refunds_json
        FROM payments p
        JOIN customers c ON c.id = p.customer_id AND c.business_id = p.business_id AND c.mode = p.mode
        LEFT JOIN invoices i ON i.payment_id = p.id AND i.business_id = p.business_id AND i.mode = p.mode
        LEFT JOIN LATERAL (
            SELECT json_agg(json_build_object('product_id', li.product_id, 'name', li.name, 'quantity', li.quantity, 'amount', li.amount,
                       'refunded', li.refunded_amount) ORDER BY li.position) AS lines
            FROM payment_line_items li WHERE li.payment_id = p.id AND li.business_id = p.business_id AND li.mode = p.mode) l ON true
        LEFT JOIN LATERAL (
            SELECT json_agg(json_build_object('id', rf.id, 'status', rf.status, 'amount', rf.amount, 'reason', rf.reason, 'created_at', rf.created_at,
                       'credit_note', n.number) ORDER BY rf.created_at DESC, rf.id DESC) AS refunds
            FROM refunds rf LEFT JOIN credit_notes n ON n.refund_id = rf.id AND n.business_id = rf.business_id AND n.mode = rf.mode
            WHERE rf.payment_id = p.id AND rf.business_id = p.business_id AND rf.mode = p.mode) r ON true
        """;
}
