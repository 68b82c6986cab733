using System.Text.Json;
using Clientele.Features.Payments;

namespace Clientele.Features.Refunds;

/// <summary>A refund row as read, with its payment's customer.</summary>
public sealed class RefundRow
{
    public const string Select = """
        SELECT r.id, r.business_id, r.payment_id, r.status, r.amount, r.currency, r.is_partial, r.reason, r.metadata::text AS metadata, r.created_at,
               c.id AS customer_id, c.name AS customer_name, c.email AS customer_email, c.phone_number AS customer_phone, c.metadata::text AS customer_metadata
        FROM refunds r JOIN customers c ON c.id = r.customer_id AND c.business_id = r.business_id AND c.mode = r.mode
        """;

    public string Id { get; init; } = "";

    public string BusinessId { get; init; } = "";

    public string PaymentId { get; init; } = "";

    public string Status { get; init; } = "";

    public long Amount { get; init; }

    public string Currency { get; init; } = "";

    public bool IsPartial { get; init; }

    public string? Reason { get; init; }

    public string Metadata { get; init; } = "{}";

    public DateTime CreatedAt { get; init; }

    public string CustomerId { get; init; } = "";

    public string CustomerName { get; init; } = "";

    public string CustomerEmail { get; init; } = "";

    public string? CustomerPhone { get; init; }

    public string CustomerMetadata { get; init; } = "{}";

    public RefundListItem ToListItem() => new(Id, PaymentId, BusinessId, Status, CreatedAt, IsPartial, Amount, Currency, Reason);

    public RefundResponse ToResponse() => new(Id, PaymentId, BusinessId, BusinessId, Status, CreatedAt, IsPartial, Amount, Currency, Reason,
        Platform.Api.Metadata.Parse(Metadata), new CustomerLimitedDetails(CustomerId, CustomerName, CustomerEmail, CustomerPhone, Platform.Api.Metadata.Parse(CustomerMetadata)));
}

/// <summary>The reference's RefundListItem.</summary>
public sealed record RefundListItem(string RefundId, string PaymentId, string BusinessId, string Status, DateTime CreatedAt, bool IsPartial, long? Amount, string? Currency, string? Reason);

/// <summary>The reference's RefundResponse.</summary>
public sealed record RefundResponse(
    string RefundId,
    string PaymentId,
    string BusinessId,
    string BrandId,
    string Status,
    DateTime CreatedAt,
    bool IsPartial,
    long? Amount,
    string? Currency,
    string? Reason,
    JsonElement Metadata,
    CustomerLimitedDetails Customer);
