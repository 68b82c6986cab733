using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clientele.Features.Catalog;

/// <summary>A product row as stored (with the collection it belongs to, if any).</summary>
public sealed class Product
{
    public const string Columns = """
        p.id, p.business_id, p.mode, p.name, p.description, p.image, p.tax_category, p.price_type, p.currency,
        p.price_amount, p.discount, p.purchasing_power_parity, p.tax_inclusive, p.pay_what_you_want, p.suggested_price,
        p.payment_frequency_count, p.payment_frequency_interval, p.subscription_period_count, p.subscription_period_interval,
        p.trial_period_days, p.trial_amount, p.meters::text AS meters, p.license_key_enabled, p.license_key_activations_limit,
        p.license_key_activation_message, p.license_key_duration_count, p.license_key_duration_interval, p.addons,
        p.metadata::text AS metadata, p.archived, p.created_at, p.updated_at,
        (SELECT i.collection_id FROM product_collection_items i WHERE i.product_id = p.id) AS product_collection_id
        """;

    public string Id { get; init; } = "";

    public string BusinessId { get; init; } = "";

    public string Mode { get; init; } = "";

    public string Name { get; init; } = "";

    public string? Description { get; init; }

    public string? Image { get; init; }

    public string TaxCategory { get; init; } = "";

    public string PriceType { get; init; } = "";

    public string Currency { get; init; } = "";

    public long PriceAmount { get; init; }

    public int Discount { get; init; }

    public bool PurchasingPowerParity { get; init; }

    public bool? TaxInclusive { get; init; }

    public bool PayWhatYouWant { get; init; }

    public long? SuggestedPrice { get; init; }

    public int? PaymentFrequencyCount { get; init; }

    public string? PaymentFrequencyInterval { get; init; }

    public int? SubscriptionPeriodCount { get; init; }

    public string? SubscriptionPeriodInterval { get; init; }

    public int TrialPeriodDays { get; init; }

    public long? TrialAmount { get; init; }

    public string? Meters { get; init; }

    public bool LicenseKeyEnabled { get; init; }

    public int? LicenseKeyActivationsLimit { get; init; }

    public string? LicenseKeyActivationMessage { get; init; }

    public int? LicenseKeyDurationCount { get; init; }

    public string? LicenseKeyDurationInterval { get; init; }

    public string[] Addons { get; init; } = [];

    public string Metadata { get; init; } = "{}";

    public bool Archived { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public string? ProductCollectionId { get; init; }

    public Price Price => new()
    {
        Type = PriceType,
        Currency = Currency,
        Amount = PriceAmount,
        Discount = Discount,
        PurchasingPowerParity = PurchasingPowerParity,
        TaxInclusive = TaxInclusive,
        PayWhatYouWant = PayWhatYouWant,
        SuggestedPrice = SuggestedPrice,
        PaymentFrequencyCount = PaymentFrequencyCount,
        PaymentFrequencyInterval = PaymentFrequencyInterval,
        SubscriptionPeriodCount = SubscriptionPeriodCount,
        SubscriptionPeriodInterval = SubscriptionPeriodInterval,
        TrialPeriodDays = TrialPeriodDays,
        TrialAmount = TrialAmount,
        MetersJson = Meters,
    };

    public bool IsRecurring => PriceType != Catalog.Price.OneTime;

    public ProductResponse ToResponse() => new(
        Id, BusinessId, BusinessId, Name, Description, Image, Price.ToJson(), IsRecurring, TaxCategory,
        Platform.Api.Metadata.Parse(Metadata), [], [], LicenseKeyEnabled, LicenseKeyActivationsLimit,
        LicenseKeyActivationMessage,
        LicenseKeyDurationCount is { } count ? new LicenseKeyDuration(count, LicenseKeyDurationInterval!) : null,
        Addons, null, null, ProductCollectionId, Archived, CreatedAt, UpdatedAt);

    public ProductListItem ToListItem() => new(
        Id, BusinessId, Name, Description, Image, Currency, PriceAmount, Price.ToJson(), IsRecurring, TaxCategory,
        TaxInclusive, Platform.Api.Metadata.Parse(Metadata), [], null, CreatedAt, UpdatedAt);
}

public sealed record LicenseKeyDuration(int Count, string Interval);

/// <summary>The reference's Product (GetProductResponse); brands are not modelled, so brand_id is the business.</summary>
public sealed record ProductResponse(
    string ProductId,
    string BusinessId,
    string BrandId,
    string Name,
    string? Description,
    string? Image,
    JsonObject Price,
    bool IsRecurring,
    string TaxCategory,
    JsonElement Metadata,
    JsonArray CreditEntitlements,
    JsonArray Entitlements,
    bool LicenseKeyEnabled,
    int? LicenseKeyActivationsLimit,
    string? LicenseKeyActivationMessage,
    LicenseKeyDuration? LicenseKeyDuration,
    string[] Addons,
    JsonObject? DigitalProductDelivery,
    string? PricingMode,
    string? ProductCollectionId,
    bool IsArchived,
    DateTime CreatedAt,
    DateTime UpdatedAt);

/// <summary>The reference's ProductListResponse item: a flat price plus price_detail.</summary>
public sealed record ProductListItem(
    string ProductId,
    string BusinessId,
    string Name,
    string? Description,
    string? Image,
    string Currency,
    long Price,
    JsonObject PriceDetail,
    bool IsRecurring,
    string TaxCategory,
    bool? TaxInclusive,
    JsonElement Metadata,
    JsonArray Entitlements,
    string? PricingMode,
    DateTime CreatedAt,
    DateTime UpdatedAt);
