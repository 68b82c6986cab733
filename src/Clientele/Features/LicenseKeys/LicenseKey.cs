using Clientele.Features.Payments;

namespace Clientele.Features.LicenseKeys;

/// <summary>A license key row as stored; its status is derived from the disable reasons and the clock.</summary>
public sealed class LicenseKeyRow
{
    public const string Columns = """
        id, business_id, mode, customer_id, product_id, payment_id, subscription_id, key, source,
        activations_limit, instances_count, disabled, expires_at, created_at
        """;

    public string Id { get; init; } = "";

    public string BusinessId { get; init; } = "";

    public string Mode { get; init; } = "";

    public string CustomerId { get; init; } = "";

    public string ProductId { get; init; } = "";

    public string? PaymentId { get; init; }

    public string? SubscriptionId { get; init; }

    public string Key { get; init; } = "";

    public string Source { get; init; } = "";

    public int? ActivationsLimit { get; init; }

    public int InstancesCount { get; init; }

    public bool Disabled { get; init; }

    public DateTime? ExpiresAt { get; init; }

    public DateTime CreatedAt { get; init; }

    public string StatusAt(DateTime now) => LicenseKeyStatus.Of(Disabled, ExpiresAt, now);

    public LicenseKeyResponse ToResponse(DateTime now) => new(
        Id, BusinessId, BusinessId, Key, StatusAt(now), CustomerId, ProductId, InstancesCount, CreatedAt, Source,
        ActivationsLimit, ExpiresAt, PaymentId, SubscriptionId);
}

public static class LicenseKeyStatus
{
    public const string Active = "active";
    public const string Expired = "expired";
    public const string Disabled = "disabled";

    public static readonly string[] All = [Active, Expired, Disabled];

    /// <summary>Disabled wins over expired: re-enabling an expired key still leaves it expired.</summary>
    public static string Of(bool disabled, DateTime? expiresAt, DateTime now) =>
        disabled ? Disabled : expiresAt is { } at && at <= now ? Expired : Active;
}

public static class LicenseKeySource
{
    /// <summary>Issued by a payment (or a subscription's payment).</summary>
    public const string Auto = "auto";

    /// <summary>Brought by the merchant through POST /license_keys ("the license key string to import").</summary>
    public const string Import = "import";

    public static readonly string[] All = [Auto, Import, "manual"];
}

/// <summary>The reference's LicenseKeyResponse; brands are not modelled, so brand_id is the business.</summary>
public sealed record LicenseKeyResponse(
    string Id,
    string BusinessId,
    string BrandId,
    string Key,
    string Status,
    string CustomerId,
    string ProductId,
    int InstancesCount,
    DateTime CreatedAt,
    string Source,
    int? ActivationsLimit,
    DateTime? ExpiresAt,
    string? PaymentId,
    string? SubscriptionId);

/// <summary>A license key instance (one activation) as stored and as the reference's LicenseKeyInstanceResponse.</summary>
public sealed record LicenseKeyInstanceResponse(string Id, string BusinessId, string Name, string LicenseKeyId, DateTime CreatedAt)
{
    public const string Columns = "id, business_id, name, license_key_id, created_at";
}

/// <summary>The reference's ActivateLicenseKeyResponse: the new instance with its customer and product.</summary>
public sealed record ActivateLicenseKeyResponse(
    string Id,
    string BusinessId,
    string Name,
    string LicenseKeyId,
    DateTime CreatedAt,
    ActivateLicenseKeyProductInfo Product,
    CustomerLimitedDetails Customer);

public sealed record ActivateLicenseKeyProductInfo(string ProductId, string? Name);

public sealed record ValidateLicenseKeyResponse(bool Valid);
