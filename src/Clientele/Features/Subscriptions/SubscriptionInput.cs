using System.Text.Json;
using Clientele.Features.Catalog;
using Clientele.Features.Checkout;
using Clientele.Platform.Api;

namespace Clientele.Features.Subscriptions;

public sealed record OnDemandInput(bool MandateOnly, long? ProductPrice, string? ProductCurrency, string? ProductDescription);

public sealed record CreateSubscriptionInput(
    string ProductId,
    int Quantity,
    string? CustomerId,
    string? CustomerEmail,
    string? CustomerName,
    BillingAddress Billing,
    bool PaymentLink,
    string? PaymentMethodId,
    string? ReturnUrl,
    int? TrialPeriodDays,
    string MetadataJson,
    OnDemandInput? OnDemand,
    string? BillingCurrency,
    string? TaxId);

/// <summary>PATCH /subscriptions/{id}: absent and null fields are left alone.</summary>
public sealed record PatchSubscriptionInput(
    BillingAddress? Billing,
    bool? CancelAtNextBillingDate,
    string? CancelReason,
    string? CancellationComment,
    string? CancellationFeedback,
    string? CustomerName,
    string? MetadataJson,
    DateTime? NextBillingDate,
    bool? Pause,
    string? Status,
    string? TaxId,
    DateTime? DisableOnDemandNextBillingDate,
    int? SubscriptionPeriodCount,
    string? SubscriptionPeriodInterval)
{
    public static PatchSubscriptionInput Empty { get; } = new(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
}

public sealed record ChangePlanInput(string ProductId, int Quantity, string ProrationBillingMode, string EffectiveAt, string? OnPaymentFailure, string? MetadataJson);

/// <summary>An on-demand charge; <paramref name="IdempotencyKey"/> (the dashboard's form sends one): a second request with it answers the first payment.</summary>
public sealed record ChargeInput(long ProductPrice, string? ProductCurrency, string? ProductDescription, string MetadataJson, bool UseWallet, string? IdempotencyKey = null);

public sealed record UpdatePaymentMethodInput(string Type, string? PaymentMethodId, string? ReturnUrl);

public static class SubscriptionInput
{
    public const int MaxQuantity = CheckoutInput.MaxQuantity;
    public static readonly string[] CancelReasons = ["cancelled_by_customer", "cancelled_by_merchant", "cancelled_by_merchant_send_dunning", "dodo_team"];
    public static readonly string[] CancellationFeedbacks = ["too_expensive", "missing_features", "switched_service", "unused", "customer_service", "low_quality", "too_complex", "other"];
    public static readonly string[] EffectiveAts = ["immediately", "next_billing_date"];
    public static readonly string[] OnPaymentFailures = ["prevent_change", "apply_change"];

    public static CreateSubscriptionInput? ParseCreate(JsonBody body)
    {
        var productId = body.RequiredText("product_id", 64);
        var quantity = InputRules.Integer(body, "quantity", 1, MaxQuantity, required: true);
        var (customerId, email, name) = CheckoutInput.ParseCustomer(body, "customer", required: true);
        var billing = CheckoutInput.ParseBilling(body, "billing", required: true);
        var paymentLink = InputRules.Boolean(body, "payment_link", required: false) ?? false;
        var paymentMethodId = InputRules.OptionalText(body, "payment_method_id", 64);
        if (paymentMethodId is not null && customerId is null && !body.HasErrorFor("customer"))
        {
            body.AddError("payment_method_id", "needs an existing customer: send customer.customer_id");
        }
        if (paymentMethodId is not null && paymentLink)
        {
            body.AddError("payment_link", "cannot be combined with payment_method_id (the saved method is charged at once)");
        }
        var returnUrl = CheckoutInput.ParseReturnUrl(body);
        var trial = InputRules.Integer(body, "trial_period_days", 0, 10_000, required: false);
        var metadata = ParseMetadata(body) ?? Metadata.EmptyJson;
        var billingCurrency = InputRules.CurrencyCode(body, "billing_currency", required: false);
        var taxId = InputRules.OptionalText(body, "tax_id", 64);
        OnDemandInput? onDemand = null;
        if (body.Element("on_demand").Value is { } element && body.Child("on_demand", element) is { } od)
        {
            onDemand = new OnDemandInput(
                InputRules.Boolean(od, "mandate_only", required: true) ?? false,
                InputRules.Integer(od, "product_price", 0, InputRules.MaxAmount, required: false),
                InputRules.CurrencyCode(od, "product_currency", required: false),
                InputRules.OptionalText(od, "product_description", 1000));
        }
        RejectUnsupported(body, "addons", "discount_codes", "one_time_product_cart");
        if (InputRules.OptionalText(body, "discount_code", 64) is not null)
        {
            body.AddError("discount_code", "discounts are not supported yet");
        }
        return body.HasErrors ? null : new CreateSubscriptionInput(productId!, (int)quantity!, customerId, email, name, billing!, paymentLink,
            paymentMethodId, returnUrl, trial is null ? null : (int)trial, metadata, onDemand, billingCurrency, taxId);
    }

    public static PatchSubscriptionInput? ParsePatch(JsonBody body)
    {
        var billing = CheckoutInput.ParseBilling(body, "billing", required: false);
        var cancelAtNext = InputRules.Boolean(body, "cancel_at_next_billing_date", required: false);
        var cancelReason = InputRules.OneOf(body, "cancel_reason", CancelReasons, required: false);
        var comment = InputRules.OptionalText(body, "cancellation_comment", 1000);
        var feedback = InputRules.OneOf(body, "cancellation_feedback", CancellationFeedbacks, required: false);
        var customerName = InputRules.OptionalText(body, "customer_name", Customers.CustomerInput.MaxNameLength);
        var metadata = ParseMetadata(body);
        var nextBillingDate = Timestamp(body, "next_billing_date");
        var pause = InputRules.Boolean(body, "pause", required: false);
        var status = InputRules.OneOf(body, "status", SubscriptionStatus.All, required: false);
        var taxId = InputRules.OptionalText(body, "tax_id", 64);
        DateTime? disableOnDemand = null;
        if (body.Element("disable_on_demand").Value is { } element && body.Child("disable_on_demand", element) is { } child)
        {
            disableOnDemand = Timestamp(child, "next_billing_date");
            if (disableOnDemand is null && !child.HasErrorFor("next_billing_date"))
            {
                child.AddError("next_billing_date", "is required");
            }
        }
        var periodCount = InputRules.Integer(body, "subscription_period_count", 1, 100_000, required: false);
        var periodInterval = InputRules.OneOf(body, "subscription_period_interval", Price.Intervals, required: false);
        if ((periodCount is null) != (periodInterval is null) && !body.HasErrors)
        {
            body.AddError(periodCount is null ? "subscription_period_count" : "subscription_period_interval", "must be sent together with the other subscription_period field");
        }
        RejectUnsupported(body, "credit_entitlement_cart");
        var present = body.FieldNames.Where(f => body.Element(f).Value is not null).ToList();
        if ((pause is not null || status is SubscriptionStatus.Paused or SubscriptionStatus.Active) && present.Count > 1)
        {
            body.AddError(pause is not null ? "pause" : "status", "must be sent alone");
        }
        if (status is not null and not (SubscriptionStatus.Cancelled or SubscriptionStatus.Paused or SubscriptionStatus.Active))
        {
            body.AddError("status", "can only be set to cancelled, paused or active");
        }
        var cancelling = status == SubscriptionStatus.Cancelled || cancelAtNext == true;
        if (!cancelling)
        {
            foreach (var (field, value) in new[] { ("cancel_reason", cancelReason), ("cancellation_comment", comment), ("cancellation_feedback", feedback) })
            {
                if (value is not null)
                {
                    body.AddError(field, "is only accepted when cancelling (status: cancelled or cancel_at_next_billing_date: true)");
                }
            }
        }
        return body.HasErrors ? null : new PatchSubscriptionInput(billing, cancelAtNext, cancelReason, comment, feedback, customerName, metadata,
            nextBillingDate, pause, status, taxId, disableOnDemand, periodCount is null ? null : (int)periodCount, periodInterval);
    }

    public static ChangePlanInput? ParseChangePlan(JsonBody body)
    {
        var productId = body.RequiredText("product_id", 64);
        var quantity = InputRules.Integer(body, "quantity", 1, MaxQuantity, required: true);
        var mode = InputRules.OneOf(body, "proration_billing_mode", ProrationModes.All, required: true);
        var effectiveAt = InputRules.OneOf(body, "effective_at", EffectiveAts, required: false) ?? "immediately";
        var onFailure = InputRules.OneOf(body, "on_payment_failure", OnPaymentFailures, required: false);
        var metadata = ParseMetadata(body);
        RejectUnsupported(body, "addons", "discount_codes");
        if (InputRules.OptionalText(body, "discount_code", 64) is not null)
        {
            body.AddError("discount_code", "discounts are not supported yet");
        }
        return body.HasErrors ? null : new ChangePlanInput(productId!, (int)quantity!, mode!, effectiveAt, onFailure, metadata);
    }

    public static ChargeInput? ParseCharge(JsonBody body)
    {
        var price = InputRules.Integer(body, "product_price", 1, InputRules.MaxAmount, required: true);
        var currency = InputRules.CurrencyCode(body, "product_currency", required: false);
        var description = InputRules.OptionalText(body, "product_description", 1000);
        var metadata = ParseMetadata(body) ?? Metadata.EmptyJson;
        var useWallet = true;
        if (body.Element("customer_balance_config").Value is { } element && body.Child("customer_balance_config", element) is { } config)
        {
            useWallet = InputRules.Boolean(config, "allow_customer_credits_usage", required: false) ?? true;
            InputRules.Boolean(config, "allow_customer_credits_purchase", required: false);
        }
        return body.HasErrors ? null : new ChargeInput(price!.Value, currency, description, metadata, useWallet);
    }

    public static UpdatePaymentMethodInput? ParseUpdatePaymentMethod(JsonBody body)
    {
        var type = InputRules.OneOf(body, "type", ["new", "existing"], required: true);
        string? methodId = null;
        if (type == "existing")
        {
            methodId = body.RequiredText("payment_method_id", 64);
        }
        var returnUrl = CheckoutInput.ParseReturnUrl(body);
        return body.HasErrors ? null : new UpdatePaymentMethodInput(type!, methodId, returnUrl);
    }

    private static string? ParseMetadata(JsonBody body) =>
        body.Element("metadata").Value is { } element ? Metadata.Validate("metadata", element, body) : null;

    private static DateTime? Timestamp(JsonBody body, string field)
    {
        var text = body.String(field).Value;
        if (text is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value.UtcDateTime;
        }
        body.AddError(field, "must be an RFC 3339 date-time such as 2025-01-31T12:00:00Z");
        return null;
    }

    /// <summary>Fields of the reference this server does not model yet: an empty list is fine, anything else is refused by name.</summary>
    private static void RejectUnsupported(JsonBody body, params string[] fields)
    {
        foreach (var field in fields)
        {
            if (body.Element(field).Value is { } value && !(value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0))
            {
                body.AddError(field, "is not supported yet; send it empty or leave it out");
            }
        }
    }
}
