using System.Globalization;
using Clientele.Features.Catalog;
using Clientele.Platform.Api;

namespace Clientele.Features.LicenseKeys;

/// <summary>POST /license_keys: a key the merchant brings (imports) for one of their customers and products.</summary>
public sealed record CreateLicenseKeyRequest(string CustomerId, string ProductId, string Key, int? ActivationsLimit, DateTime? ExpiresAt);

/// <summary>PATCH /license_keys/{id}: absent leaves a field as is; <c>null</c> removes the limit or the expiry.</summary>
public sealed record LicenseKeyPatch(Optional<int?> ActivationsLimit, bool? Disabled, Optional<DateTime?> ExpiresAt);

public sealed record InstancePatch(string? Name);

public sealed record ActivateRequest(string LicenseKey, string Name) : IPublicLicenseRequest;

public sealed record ValidateRequest(string LicenseKey, string? InstanceId) : IPublicLicenseRequest;

public sealed record DeactivateRequest(string LicenseKey, string InstanceId) : IPublicLicenseRequest;

/// <summary>A request to the public /licenses endpoints: it names a key, which is rate-limited.</summary>
public interface IPublicLicenseRequest
{
    string LicenseKey { get; }
}

/// <summary>Request bodies of the license key endpoints; every error names its field.</summary>
public static class LicenseKeyInput
{
    public const int MaxNameLength = 255;
    private const int MaxIdLength = 64;

    public static CreateLicenseKeyRequest? ParseCreate(JsonBody body)
    {
        var customerId = body.RequiredText("customer_id", MaxIdLength);
        var productId = body.RequiredText("product_id", MaxIdLength);
        var key = body.RequiredText("key", LicenseKeyText.MaxLength);
        if (key is not null && key.Any(char.IsControl))
        {
            body.AddError("key", "must not contain control characters");
        }
        var limit = InputRules.Integer(body, "activations_limit", 0, int.MaxValue, required: false);
        var expiresAt = Timestamp(body, "expires_at");
        return body.HasErrors ? null : new CreateLicenseKeyRequest(customerId!, productId!, key!, (int?)limit, expiresAt.Value);
    }

    public static LicenseKeyPatch? ParsePatch(JsonBody body)
    {
        var limitField = body.Integer("activations_limit");
        Optional<int?> limit = default;
        if (limitField.IsSet)
        {
            if (limitField.Value is < 0 or > int.MaxValue)
            {
                body.AddError("activations_limit", $"must be between 0 and {int.MaxValue}, or null for no limit");
            }
            else
            {
                limit = Optional<int?>.Of((int?)limitField.Value);
            }
        }
        // The reference: true disables, false enables, absent (or null) leaves it unchanged.
        var disabled = body.Boolean("disabled").Value;
        var expiresAt = Timestamp(body, "expires_at");
        return body.HasErrors ? null : new LicenseKeyPatch(limit, disabled, expiresAt);
    }

    /// <summary>PATCH /license_key_instances/{id}: <c>{}</c> changes nothing; a name must not be blank.</summary>
    public static InstancePatch? ParseInstancePatch(JsonBody body)
    {
        var name = body.String("name");
        if (name.IsSet && name.Value is null)
        {
            body.AddError("name", "must be a string, not null");
        }
        var checkedName = name.Value is { } text ? body.CheckText("name", text, MaxNameLength) : null;
        return body.HasErrors ? null : new InstancePatch(checkedName);
    }

    public static ActivateRequest? ParseActivate(JsonBody body)
    {
        var key = body.RequiredText("license_key", LicenseKeyText.MaxLength);
        var name = body.RequiredText("name", MaxNameLength);
        return body.HasErrors ? null : new ActivateRequest(key!, name!);
    }

    public static ValidateRequest? ParseValidate(JsonBody body)
    {
        var key = body.RequiredText("license_key", LicenseKeyText.MaxLength);
        var instanceId = InputRules.OptionalText(body, "license_key_instance_id", MaxIdLength);
        return body.HasErrors ? null : new ValidateRequest(key!, instanceId);
    }

    public static DeactivateRequest? ParseDeactivate(JsonBody body)
    {
        var key = body.RequiredText("license_key", LicenseKeyText.MaxLength);
        var instanceId = body.RequiredText("license_key_instance_id", MaxIdLength);
        return body.HasErrors ? null : new DeactivateRequest(key!, instanceId!);
    }

    /// <summary>An RFC 3339 timestamp field: Unset when absent, Of(null) when null.</summary>
    private static Optional<DateTime?> Timestamp(JsonBody body, string field)
    {
        var value = body.String(field);
        if (value.Value is not { } text)
        {
            return body.HasErrorFor(field) ? Optional<DateTime?>.Unset : value.IsSet ? Optional<DateTime?>.Of(null) : Optional<DateTime?>.Unset;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return Optional<DateTime?>.Of(parsed.UtcDateTime);
        }
        body.AddError(field, "must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z");
        return Optional<DateTime?>.Unset;
    }
}
