using System.Text.Json;
using Clientele.Features.Checkout;
using Clientele.Features.Refunds;

namespace Clientele.Features.Payments;

public sealed record ProductCartItem(string ProductId, int Quantity);

/// <summary>The reference's PaymentResponse.</summary>
public sealed record PaymentResponse(
    string PaymentId,
    string BusinessId,
    string BrandId,
    CustomerLimitedDetails Customer,
    BillingAddress Billing,
    DateTime CreatedAt,
    DateTime? UpdatedAt,
    JsonElement Metadata,
    string Currency,
    long TotalAmount,
    long? Tax,
    long SettlementAmount,
    string SettlementCurrency,
    long? SettlementTax,
    string? Status,
    string? RefundStatus,
    IReadOnlyList<RefundListItem> Refunds,
    IReadOnlyList<object> Disputes,
    bool DigitalProductsDelivered,
    int RetryAttempt,
    bool IsUpdatePaymentMethod,
    string PaymentProvider,
    string? SubscriptionId,
    string? CheckoutSessionId,
    string? PaymentLink,
    string? InvoiceId,
    string? InvoiceUrl,
    string? PaymentMethod,
    string? PaymentMethodId,
    string? PaymentMethodType,
    string? CardHolderName,
    string? CardIssuingCountry,
    string? CardLastFour,
    string? CardNetwork,
    string? CardType,
    string? ErrorCode,
    string? ErrorMessage,
    IReadOnlyList<ProductCartItem> ProductCart,
    IReadOnlyList<object> Discounts,
    bool IsMultiSubscription,
    IReadOnlyList<string> SubscriptionIds)
{
    public static PaymentResponse From(PaymentRow p, IReadOnlyList<RefundListItem> refunds, IReadOnlyList<ProductCartItem> cart, string publicBase) => new(
        p.Id, p.BusinessId, p.BusinessId, p.Customer, p.BillingAddress, p.CreatedAt, p.UpdatedAt, Platform.Api.Metadata.Parse(p.Metadata),
        p.Currency, p.TotalAmount, p.Tax, p.TotalAmount, p.Currency, p.Tax, p.Status, p.RefundStatus, refunds, [], p.DigitalProductsDelivered,
        p.RetryAttempt, p.IsUpdatePaymentMethod, "dodo", p.SubscriptionId, p.CheckoutSessionId, null, p.InvoiceId, p.InvoiceUrl(publicBase),
        p.PaymentMethod, p.PaymentMethodId, p.CardType, p.CardHolderName, p.CardIssuingCountry, p.CardLastFour, p.CardNetwork, p.CardType,
        p.ErrorCode, p.ErrorMessage, cart, [], false, p.SubscriptionId is null ? [] : [p.SubscriptionId]);
}

/// <summary>The reference's PaymentListResponse item.</summary>
public sealed record PaymentListItem(
    string PaymentId,
    string BrandId,
    DateTime CreatedAt,
    string Currency,
    CustomerLimitedDetails Customer,
    bool DigitalProductsDelivered,
    bool HasLicenseKey,
    JsonElement Metadata,
    string PaymentProvider,
    long TotalAmount,
    string? CardLastFour,
    string? CardNetwork,
    string? DisputeStatus,
    string? InvoiceId,
    string? InvoiceUrl,
    string? PaymentMethod,
    string? PaymentMethodType,
    string? RefundStatus,
    string? Status,
    string? SubscriptionId,
    bool IsMultiSubscription,
    IReadOnlyList<string> SubscriptionIds)
{
    public static PaymentListItem From(PaymentRow p, string publicBase) => new(
        p.Id, p.BusinessId, p.CreatedAt, p.Currency, p.Customer, p.DigitalProductsDelivered, p.HasLicenseKey, Platform.Api.Metadata.Parse(p.Metadata),
        "dodo", p.TotalAmount, p.CardLastFour, p.CardNetwork, null, p.InvoiceId, p.InvoiceUrl(publicBase), p.PaymentMethod, p.CardType, p.RefundStatus,
        p.Status, p.SubscriptionId, false, p.SubscriptionId is null ? [] : [p.SubscriptionId]);
}

public sealed record PaymentLineItem(string ItemsId, long Amount, long RefundableAmount, long Tax, string? Name, string? Description);

public sealed record PaymentLineItemsResponse(string Currency, IReadOnlyList<PaymentLineItem> Items);
