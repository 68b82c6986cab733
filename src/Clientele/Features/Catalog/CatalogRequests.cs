using System.ComponentModel;
using System.Text.Json;

namespace Clientele.Features.Catalog;

// The bodies' shapes for the OpenAPI document; ProductInput, PriceInput, CollectionInputReader and
// SubscriptionSettingsApi (the parsers) are the authority on what is accepted.

/// <summary><c>POST /products</c>.</summary>
public sealed record CreateProductRequest(
    string Name,
    [property: Description("digital_products, saas, e_book, edtech or live_tutoring")] string TaxCategory,
    PriceRequest Price,
    string? Description = null,
    [property: Description("the business id (its one brand), if sent")] string? BrandId = null,
    bool? LicenseKeyEnabled = null,
    int? LicenseKeyActivationsLimit = null,
    string? LicenseKeyActivationMessage = null,
    LicenseKeyDurationRequest? LicenseKeyDuration = null,
    IReadOnlyList<string>? Addons = null,
    Dictionary<string, JsonElement>? Metadata = null);

/// <summary><c>PATCH /products/{id}</c>: absent or null fields are left as they are.</summary>
public sealed record PatchProductRequest(
    string? Name = null,
    [property: Description("digital_products, saas, e_book, edtech or live_tutoring")] string? TaxCategory = null,
    PriceRequest? Price = null,
    string? Description = null,
    string? BrandId = null,
    bool? LicenseKeyEnabled = null,
    int? LicenseKeyActivationsLimit = null,
    string? LicenseKeyActivationMessage = null,
    LicenseKeyDurationRequest? LicenseKeyDuration = null,
    IReadOnlyList<string>? Addons = null,
    Dictionary<string, JsonElement>? Metadata = null);

/// <summary>
/// The reference's Price union in one shape: <c>type</c> decides which fields apply (<c>price</c> for one-time and
/// recurring prices, <c>fixed_price</c> for usage-based ones; the billing cycle for recurring and usage-based ones).
/// </summary>
public sealed record PriceRequest(
    [property: Description("one_time_price, recurring_price or usage_based_price")] string Type,
    string Currency,
    [property: Description("minor units; one-time and recurring prices")] long? Price = null,
    [property: Description("minor units; usage-based prices")] long? FixedPrice = null,
    [property: Description("percent, 0 to 100")] int? Discount = null,
    bool? PurchasingPowerParity = null,
    bool? TaxInclusive = null,
    bool? PayWhatYouWant = null,
    long? SuggestedPrice = null,
    int? PaymentFrequencyCount = null,
    [property: Description("Day, Week, Month or Year")] string? PaymentFrequencyInterval = null,
    int? SubscriptionPeriodCount = null,
    [property: Description("Day, Week, Month or Year")] string? SubscriptionPeriodInterval = null,
    int? TrialPeriodDays = null,
    long? TrialAmount = null,
    [property: Description("usage-based prices: each names its meter_id; stored as given")] IReadOnlyList<Dictionary<string, JsonElement>>? Meters = null);

public sealed record LicenseKeyDurationRequest(
    int Count,
    [property: Description("Day, Week, Month or Year")] string Interval);

/// <summary><c>POST /product-collections</c>.</summary>
public sealed record CreateProductCollectionRequest(
    string Name,
    IReadOnlyList<ProductCollectionGroupRequest> Groups,
    string? Description = null,
    [property: Description("prorated_immediately, full_immediately, difference_immediately or do_not_bill")] string? ProrationBillingModeOnUpgrade = null,
    [property: Description("prorated_immediately, full_immediately, difference_immediately or do_not_bill")] string? ProrationBillingModeOnDowngrade = null,
    [property: Description("immediately or next_billing_date")] string? EffectiveAtOnUpgrade = null,
    [property: Description("immediately or next_billing_date")] string? EffectiveAtOnDowngrade = null,
    [property: Description("prevent_change or apply_change")] string? OnPaymentFailure = null);

/// <summary><c>PATCH /product-collections/{id}</c>: absent or null fields are left as they are.</summary>
public sealed record PatchProductCollectionRequest(
    string? Name = null,
    string? Description = null,
    [property: Description("prorated_immediately, full_immediately, difference_immediately or do_not_bill")] string? ProrationBillingModeOnUpgrade = null,
    [property: Description("prorated_immediately, full_immediately, difference_immediately or do_not_bill")] string? ProrationBillingModeOnDowngrade = null,
    [property: Description("immediately or next_billing_date")] string? EffectiveAtOnUpgrade = null,
    [property: Description("immediately or next_billing_date")] string? EffectiveAtOnDowngrade = null,
    [property: Description("prevent_change or apply_change")] string? OnPaymentFailure = null,
    [property: Description("every group id of the collection, in the new order")] IReadOnlyList<string>? GroupOrder = null);

/// <summary><c>POST /product-collections/{id}/groups</c>, and each group of a new collection.</summary>
public sealed record ProductCollectionGroupRequest(
    IReadOnlyList<ProductCollectionItemRequest> Products,
    string? GroupName = null,
    bool? Status = null);

/// <summary><c>POST /product-collections/{id}/groups/{group_id}/items</c>.</summary>
public sealed record AddProductCollectionItemsRequest(IReadOnlyList<ProductCollectionItemRequest> Products);

public sealed record ProductCollectionItemRequest(string ProductId, bool? Status = null);

/// <summary><c>PATCH /settings/subscriptions</c>: absent or null fields are left as they are.</summary>
public sealed record PatchSubscriptionSettingsRequest(
    bool? AllowMultipleSubscriptions = null,
    bool? AllowPlanChanges = null,
    bool? AllowCustomerCancel = null,
    bool? AllowCustomerPause = null,
    [property: Description("prorated_immediately, full_immediately, difference_immediately or do_not_bill: a customer's own plan change in the portal")] string? PortalProrationMode = null,
    [property: Description("next_billing_date or immediately: when a customer's own cancellation in the portal takes effect")] string? PortalCancelAt = null);
