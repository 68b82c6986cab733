using System.ComponentModel;
using System.Text.Json;
using Clientele.Features.Checkout;

namespace Clientele.Features.Subscriptions;

// The bodies' shapes for the OpenAPI document; SubscriptionInput (the parser) is the authority on what is accepted.

/// <summary><c>POST /subscriptions</c>.</summary>
public sealed record CreateSubscriptionRequest(
    string ProductId,
    int Quantity,
    CustomerReferenceRequest Customer,
    BillingAddressRequest Billing,
    [property: Description("answer with a hosted payment link; not with payment_method_id")] bool? PaymentLink = null,
    [property: Description("a saved method of customer.customer_id, charged at once")] string? PaymentMethodId = null,
    string? ReturnUrl = null,
    int? TrialPeriodDays = null,
    Dictionary<string, JsonElement>? Metadata = null,
    OnDemandRequest? OnDemand = null,
    string? BillingCurrency = null,
    string? TaxId = null,
    [property: Description(SubscriptionRequestText.Unsupported)] IReadOnlyList<JsonElement>? Addons = null,
    [property: Description(SubscriptionRequestText.Unsupported)] IReadOnlyList<string>? DiscountCodes = null,
    [property: Description(SubscriptionRequestText.Unsupported)] IReadOnlyList<JsonElement>? OneTimeProductCart = null);

public sealed record OnDemandRequest(
    bool MandateOnly,
    long? ProductPrice = null,
    string? ProductCurrency = null,
    string? ProductDescription = null);

/// <summary><c>PATCH /subscriptions/{id}</c>: absent and null fields are left alone; <c>pause</c> and <c>status</c> (paused, active) are sent alone.</summary>
public sealed record PatchSubscriptionRequest(
    BillingAddressRequest? Billing = null,
    bool? CancelAtNextBillingDate = null,
    [property: Description("cancelled_by_customer, cancelled_by_merchant, cancelled_by_merchant_send_dunning or dodo_team; only when cancelling")] string? CancelReason = null,
    [property: Description("only when cancelling")] string? CancellationComment = null,
    [property: Description("too_expensive, missing_features, switched_service, unused, customer_service, low_quality, too_complex or other; only when cancelling")] string? CancellationFeedback = null,
    string? CustomerName = null,
    Dictionary<string, JsonElement>? Metadata = null,
    DateTime? NextBillingDate = null,
    bool? Pause = null,
    [property: Description("cancelled, paused or active")] string? Status = null,
    string? TaxId = null,
    DisableOnDemandRequest? DisableOnDemand = null,
    [property: Description("sent together with subscription_period_interval")] int? SubscriptionPeriodCount = null,
    [property: Description("Day, Week, Month or Year; sent together with subscription_period_count")] string? SubscriptionPeriodInterval = null,
    [property: Description(SubscriptionRequestText.Unsupported)] IReadOnlyList<JsonElement>? CreditEntitlementCart = null);

public sealed record DisableOnDemandRequest(DateTime NextBillingDate);

/// <summary><c>POST /subscriptions/{id}/change-plan</c> and its <c>/preview</c>.</summary>
public sealed record ChangeSubscriptionPlanRequest(
    string ProductId,
    int Quantity,
    [property: Description("prorated_immediately, full_immediately, difference_immediately or do_not_bill")] string ProrationBillingMode,
    [property: Description("immediately (the default) or next_billing_date")] string? EffectiveAt = null,
    [property: Description("prevent_change or apply_change")] string? OnPaymentFailure = null,
    Dictionary<string, JsonElement>? Metadata = null,
    [property: Description(SubscriptionRequestText.Unsupported)] IReadOnlyList<JsonElement>? Addons = null,
    [property: Description(SubscriptionRequestText.Unsupported)] IReadOnlyList<string>? DiscountCodes = null);

/// <summary><c>POST /subscriptions/{id}/charge</c>: an on-demand charge.</summary>
public sealed record CreateSubscriptionChargeRequest(
    [property: Description("minor units, at least 1")] long ProductPrice,
    string? ProductCurrency = null,
    string? ProductDescription = null,
    Dictionary<string, JsonElement>? Metadata = null,
    CustomerBalanceConfigRequest? CustomerBalanceConfig = null);

public sealed record CustomerBalanceConfigRequest(
    [property: Description("apply wallet credit first (default true)")] bool? AllowCustomerCreditsUsage = null,
    bool? AllowCustomerCreditsPurchase = null);

/// <summary><c>POST /subscriptions/{id}/update-payment-method</c>: <c>{type: new, return_url?}</c> or <c>{type: existing, payment_method_id}</c>.</summary>
public sealed record UpdateSubscriptionPaymentMethodRequest(
    [property: Description("new or existing")] string Type,
    [property: Description("required when type is existing")] string? PaymentMethodId = null,
    string? ReturnUrl = null);

internal static class SubscriptionRequestText
{
    public const string Unsupported = "not supported yet: send it empty or leave it out";
}
