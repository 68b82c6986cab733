using System.Text.Json;
using Clientele.Features.Checkout;
using Clientele.Features.Payments;
using Clientele.Primitives;

namespace Clientele.Features.Subscriptions;

/// <summary>A subscription row as stored, with its customer and the names of its products.</summary>
public sealed class Subscription
{
    public const string Select = """
        SELECT s.id, s.business_id, s.mode, s.customer_id, s.product_id, s.quantity, s.status, s.currency, s.unit_amount,
               s.recurring_pre_tax_amount, s.tax_inclusive, s.payment_frequency_count, s.payment_frequency_interval,
               s.subscription_period_count, s.subscription_period_interval, s.trial_period_days, s.trial_amount, s.on_demand,
               s.billing::text AS billing, s.metadata::text AS metadata, s.tax_id, s.payment_method_id, s.billing_anchor, s.next_period,
               s.previous_billing_date, s.next_billing_date, s.expires_at, s.cancel_at_next_billing_date, s.cancelled_at, s.cancel_reason,
               s.cancellation_feedback, s.cancellation_comment, s.paused_at, s.on_hold_at, s.scheduled_change_id, s.scheduled_product_id,
               s.scheduled_quantity, s.scheduled_created_at, s.charge_in_flight, s.created_at, s.updated_at,
               c.name AS customer_name, c.email AS customer_email, c.phone_number AS customer_phone, c.metadata::text AS customer_metadata,
               p.name AS product_name, sp.name AS scheduled_product_name, sp.description AS scheduled_product_description
        FROM subscriptions s
        JOIN customers c ON c.id = s.customer_id
        JOIN products p ON p.id = s.product_id
        LEFT JOIN products sp ON sp.id = s.scheduled_product_id
        """;

    public string Id { get; init; } = "";

    public string BusinessId { get; init; } = "";

    public string Mode { get; init; } = "";

    public string CustomerId { get; init; } = "";

    public string ProductId { get; init; } = "";

    public int Quantity { get; init; }

    public string Status { get; init; } = "";

    public string Currency { get; init; } = "";

    public long UnitAmount { get; init; }

    public long RecurringPreTaxAmount { get; init; }

    public bool TaxInclusive { get; init; }

    public int PaymentFrequencyCount { get; init; }

    public string PaymentFrequencyInterval { get; init; } = "";

    public int SubscriptionPeriodCount { get; init; }

    public string SubscriptionPeriodInterval { get; init; } = "";

    public int TrialPeriodDays { get; init; }

    public long? TrialAmount { get; init; }

    public bool OnDemand { get; init; }

    public string Billing { get; init; } = "{}";

    public string Metadata { get; init; } = "{}";

    public string? TaxId { get; init; }

    public string? PaymentMethodId { get; init; }

    public DateTime BillingAnchor { get; init; }

    public int NextPeriod { get; init; }

    public DateTime PreviousBillingDate { get; init; }

    public DateTime NextBillingDate { get; init; }

    public DateTime? ExpiresAt { get; init; }

    public bool CancelAtNextBillingDate { get; init; }

    public DateTime? CancelledAt { get; init; }

    public string? CancelReason { get; init; }

    public string? CancellationFeedback { get; init; }

    public string? CancellationComment { get; init; }

    public DateTime? PausedAt { get; init; }

    public DateTime? OnHoldAt { get; init; }

    public string? ScheduledChangeId { get; init; }

    public string? ScheduledProductId { get; init; }

    public int? ScheduledQuantity { get; init; }

    public DateTime? ScheduledCreatedAt { get; init; }

    public string? ChargeInFlight { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public string CustomerName { get; init; } = "";

    public string CustomerEmail { get; init; } = "";

    public string? CustomerPhone { get; init; }

    public string CustomerMetadata { get; init; } = "{}";

    public string ProductName { get; init; } = "";

    public string? ScheduledProductName { get; init; }

    public string? ScheduledProductDescription { get; init; }

    public Tenant Tenant => new(BusinessId, ModeText.Parse(Mode));

    public CustomerLimitedDetails Customer => new(CustomerId, CustomerName, CustomerEmail, CustomerPhone, Platform.Api.Metadata.Parse(CustomerMetadata));

    public BillingAddress BillingAddress => JsonSerializer.Deserialize<BillingAddress>(Billing, CheckoutJson.Options)!;

    /// <summary>Statuses from which nothing comes back.</summary>
    public bool IsTerminal => Status is SubscriptionStatus.Cancelled or SubscriptionStatus.Failed or SubscriptionStatus.Expired;

    /// <summary>The start of period k (the end of period k − 1), counted from the anchor.</summary>
    public DateTime PeriodStart(int k) => BillingPeriods.PeriodStart(BillingAnchor, PaymentFrequencyCount, PaymentFrequencyInterval, k);
}

public static class SubscriptionStatus
{
    public const string Pending = "pending";
    public const string Active = "active";
    public const string OnHold = "on_hold";
    public const string Paused = "paused";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";
    public const string Expired = "expired";

    public static readonly string[] All = [Pending, Active, OnHold, Paused, Cancelled, Failed, Expired];
}

public sealed record ScheduledPlanChange(string Id, string ProductId, int Quantity, DateTime EffectiveAt, DateTime CreatedAt, IReadOnlyList<object> Addons, string? ProductName, string? ProductDescription);

/// <summary>The reference's SubscriptionResponse.</summary>
public sealed record SubscriptionResponse(
    string SubscriptionId,
    string BrandId,
    string ProductId,
    int Quantity,
    CustomerLimitedDetails Customer,
    BillingAddress Billing,
    JsonElement Metadata,
    DateTime CreatedAt,
    string Status,
    bool CancelAtNextBillingDate,
    DateTime NextBillingDate,
    DateTime PreviousBillingDate,
    string Currency,
    long RecurringPreTaxAmount,
    bool TaxInclusive,
    bool OnDemand,
    int PaymentFrequencyCount,
    string PaymentFrequencyInterval,
    int SubscriptionPeriodCount,
    string SubscriptionPeriodInterval,
    int TrialPeriodDays,
    long? TrialAmount,
    IReadOnlyList<object> Addons,
    IReadOnlyList<object> Meters,
    IReadOnlyList<object> CreditEntitlementCart,
    IReadOnlyList<object> MeterCreditEntitlementCart,
    IReadOnlyList<object> Discounts,
    DateTime? CancelledAt,
    DateTime? ExpiresAt,
    DateTime? PausedAt,
    string? CancellationComment,
    string? CancellationFeedback,
    string? PaymentMethodId,
    bool HasPaymentMethod,
    string? TaxId,
    string? CustomerBusinessName,
    string? DiscountId,
    int? DiscountCyclesRemaining,
    IReadOnlyList<object>? CustomFieldResponses,
    ScheduledPlanChange? ScheduledChange,
    string ProductName)
{
    public static SubscriptionResponse From(Subscription s) => new(
        s.Id, s.BusinessId, s.ProductId, s.Quantity, s.Customer, s.BillingAddress, Platform.Api.Metadata.Parse(s.Metadata), s.CreatedAt,
        s.Status, s.CancelAtNextBillingDate, s.NextBillingDate, s.PreviousBillingDate, s.Currency, s.RecurringPreTaxAmount, s.TaxInclusive,
        s.OnDemand, s.PaymentFrequencyCount, s.PaymentFrequencyInterval, s.SubscriptionPeriodCount, s.SubscriptionPeriodInterval,
        s.TrialPeriodDays, s.TrialAmount, [], [], [], [], [], s.CancelledAt, s.ExpiresAt, s.PausedAt, s.CancellationComment,
        s.CancellationFeedback, s.PaymentMethodId, s.PaymentMethodId is not null, s.TaxId, null, null, null, null,
        s.ScheduledChangeId is null ? null : new ScheduledPlanChange(s.ScheduledChangeId, s.ScheduledProductId!, s.ScheduledQuantity ?? s.Quantity,
            s.NextBillingDate, s.ScheduledCreatedAt ?? s.UpdatedAt, [], s.ScheduledProductName, s.ScheduledProductDescription),
        s.ProductName);
}
