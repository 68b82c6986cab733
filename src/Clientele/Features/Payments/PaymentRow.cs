using System.Text.Json;
using Clientele.Features.Checkout;

namespace Clientele.Features.Payments;

/// <summary>A payment as read for the API, with its customer and invoice.</summary>
public sealed class PaymentRow
{
    public const string Select = """
        SELECT p.id, p.business_id, p.customer_id, p.checkout_session_id, p.subscription_id, p.status, p.currency, p.total_amount, p.tax,
               p.refunded_amount, p.billing::text AS billing, p.metadata::text AS metadata, p.payment_method_id, p.card_network, p.card_type,
               p.card_last_four, p.card_holder_name, p.card_issuing_country, p.error_code, p.error_message, p.retry_attempt,
               p.is_update_payment_method, p.digital_products_delivered, p.created_at, p.updated_at,
               c.name AS customer_name, c.email AS customer_email, c.phone_number AS customer_phone, c.metadata::text AS customer_metadata,
               i.id AS invoice_id,
               EXISTS (SELECT 1 FROM payment_line_items l JOIN products pr ON pr.id = l.product_id
                       WHERE l.payment_id = p.id AND pr.license_key_enabled) AS has_license_key
        FROM payments p
        JOIN customers c ON c.id = p.customer_id
        LEFT JOIN invoices i ON i.payment_id = p.id
        """;

    public string Id { get; init; } = "";

    public string BusinessId { get; init; } = "";

    public string CustomerId { get; init; } = "";

    public string? CheckoutSessionId { get; init; }

    public string? SubscriptionId { get; init; }

    public string Status { get; init; } = "";

    public string Currency { get; init; } = "";

    public long TotalAmount { get; init; }

    public long Tax { get; init; }

    public long RefundedAmount { get; init; }

    public string Billing { get; init; } = "{}";

    public string Metadata { get; init; } = "{}";

    public string? PaymentMethodId { get; init; }

    public string? CardNetwork { get; init; }

    public string? CardType { get; init; }

    public string? CardLastFour { get; init; }

    public string? CardHolderName { get; init; }

    public string? CardIssuingCountry { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public int RetryAttempt { get; init; }

    public bool IsUpdatePaymentMethod { get; init; }

    public bool DigitalProductsDelivered { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public string CustomerName { get; init; } = "";

    public string CustomerEmail { get; init; } = "";

    public string? CustomerPhone { get; init; }

    public string CustomerMetadata { get; init; } = "{}";

    public string? InvoiceId { get; init; }


    public bool HasLicenseKey { get; init; }

    public CustomerLimitedDetails Customer => new(CustomerId, CustomerName, CustomerEmail, CustomerPhone, Platform.Api.Metadata.Parse(CustomerMetadata));

    /// <summary>partial or full once anything is refunded (pending refunds reserve their amount, so they count).</summary>
    public string? RefundStatus => RefundedAmount == 0 ? null : RefundedAmount >= TotalAmount ? "full" : "partial";

    public string? PaymentMethod => CardNetwork is null ? null : "card";

    public string? InvoiceUrl(string publicBase) => InvoiceId is null ? null : InvoiceUrlOf(publicBase, Id);

    /// <summary>The link to a payment's invoice, with its access token.</summary>
    public static string InvoiceUrlOf(string publicBase, string paymentId) => $"{publicBase}/invoices/payments/{paymentId}?token={Invoices.DocumentAccess.InvoiceToken(paymentId)}";

    public BillingAddress BillingAddress => JsonSerializer.Deserialize<BillingAddress>(Billing, CheckoutJson.Options)!;
}

public sealed record CustomerLimitedDetails(string CustomerId, string Name, string Email, string? PhoneNumber, JsonElement Metadata);
