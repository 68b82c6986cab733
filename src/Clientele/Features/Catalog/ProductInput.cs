using System.Text.Json;
using Clientele.Platform.Api;
using Clientele.Primitives;

namespace Clientele.Features.Catalog;

/// <summary>Product fields from a create (all required ones present) or a PATCH (null or absent = unchanged).</summary>
public sealed record ProductFields(
    string? Name,
    string? Description,
    string? TaxCategory,
    Price? Price,
    bool? LicenseKeyEnabled,
    int? LicenseKeyActivationsLimit,
    string? LicenseKeyActivationMessage,
    LicenseKeyDuration? LicenseKeyDuration,
    string[]? Addons,
    string? MetadataJson)
{
    public bool IsEmpty => this == new ProductFields(null, null, null, null, null, null, null, null, null, null);
}

public static class ProductInput
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 5000;
    public static readonly string[] TaxCategories = ["digital_products", "saas", "e_book", "edtech", "live_tutoring"];

    public static ProductFields? ParseCreate(JsonBody body, Tenant tenant) => Parse(body, tenant, create: true);

    public static ProductFields? ParsePatch(JsonBody body, Tenant tenant) => Parse(body, tenant, create: false);

    private static ProductFields? Parse(JsonBody body, Tenant tenant, bool create)
    {
        var name = create
            ? body.RequiredText("name", MaxNameLength)
            : InputRules.OptionalText(body, "name", MaxNameLength);
        var description = InputRules.OptionalText(body, "description", MaxDescriptionLength);
        var taxCategory = InputRules.OneOf(body, "tax_category", TaxCategories, required: create);
        var price = PriceInput.Parse(body, "price", required: create);
        var brand = body.String("brand_id");
        if (brand.Value is { } brandId && brandId != tenant.BusinessId)
        {
            body.AddError("brand_id", "is not a brand of this business (its one brand has the business id)");
        }
        var licenseEnabled = InputRules.Boolean(body, "license_key_enabled", required: false);
        var limit = InputRules.Integer(body, "license_key_activations_limit", 0, int.MaxValue, required: false);
        var message = InputRules.OptionalText(body, "license_key_activation_message", 2500);
        var duration = Duration(body);
        var addons = Addons(body);
        var metadata = body.Element("metadata").Value is { } element ? Metadata.Validate("metadata", element, body) : null;
        if (body.HasErrors)
        {
            return null;
        }
        return new ProductFields(name, description, taxCategory, price, licenseEnabled, (int?)limit, message, duration, addons,
            metadata ?? (create ? Metadata.EmptyJson : null));
    }

    private static LicenseKeyDuration? Duration(JsonBody body)
    {
        if (body.Element("license_key_duration").Value is not { } element || body.Child("license_key_duration", element) is not { } duration)
        {
            return null;
        }
        var count = InputRules.Integer(duration, "count", 1, 1000, required: true);
        var interval = InputRules.OneOf(duration, "interval", Price.Intervals, required: true);
        return count is null || interval is null ? null : new LicenseKeyDuration((int)count, interval);
    }

    private static string[]? Addons(JsonBody body)
    {
        if (body.Element("addons").Value is not { } element)
        {
            return null;
        }
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
        {
            body.AddError("addons", "must be an array of addon ids");
            return null;
        }
        return [.. element.EnumerateArray().Select(a => a.GetString()!)];
    }
}
