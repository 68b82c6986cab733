using System.Text.Json.Nodes;

namespace Clientele.Features.Catalog;

public sealed record CollectionRow(
    string Id,
    string BusinessId,
    string Name,
    string? Description,
    string? Image,
    string? ProrationBillingModeOnUpgrade,
    string? ProrationBillingModeOnDowngrade,
    string? EffectiveAtOnUpgrade,
    string? EffectiveAtOnDowngrade,
    string? OnPaymentFailure,
    bool Archived,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public const string Columns = """
        id, business_id, name, description, image, proration_billing_mode_on_upgrade, proration_billing_mode_on_downgrade,
        effective_at_on_upgrade, effective_at_on_downgrade, on_payment_failure, archived, created_at, updated_at
        """;
}

public sealed record GroupRow(string Id, string CollectionId, string? GroupName, bool Status, int Position);

/// <summary>The upgrade and downgrade defaults a collection gives plan changes between its products.</summary>
public sealed record CollectionPlanChangeDefaults(
    string? ProrationBillingModeOnUpgrade,
    string? ProrationBillingModeOnDowngrade,
    string? EffectiveAtOnUpgrade,
    string? EffectiveAtOnDowngrade,
    string? OnPaymentFailure);

public sealed record GroupInput(string? GroupName, bool Status, IReadOnlyList<(string ProductId, bool Status)> Products);

public sealed record CollectionInput(string Name, string? Description, CollectionPlanChangeDefaults Defaults, IReadOnlyList<GroupInput> Groups);

public sealed record CollectionProductResponse(
    string Id,
    string ProductId,
    bool Status,
    string? Name,
    string? Description,
    bool IsRecurring,
    bool LicenseKeyEnabled,
    string Currency,
    long Price,
    JsonObject PriceDetail,
    string TaxCategory,
    bool? TaxInclusive,
    int MetersCount,
    int FilesCount,
    int AddonsCount,
    bool HasCreditEntitlements);

public sealed record CollectionGroupResponse(string GroupId, string? GroupName, bool Status, IReadOnlyList<CollectionProductResponse> Products);

/// <summary>The reference's ProductCollectionResponse.</summary>
public sealed record CollectionResponse(
    string Id,
    string BrandId,
    string Name,
    string? Description,
    string? Image,
    IReadOnlyList<CollectionGroupResponse> Groups,
    string? ProrationBillingModeOnUpgrade,
    string? ProrationBillingModeOnDowngrade,
    string? EffectiveAtOnUpgrade,
    string? EffectiveAtOnDowngrade,
    string? OnPaymentFailure,
    bool IsArchived,
    DateTime CreatedAt,
    DateTime UpdatedAt);

public sealed record CollectionListItem(string Id, string Name, string? Description, string? Image, int ProductsCount, DateTime CreatedAt, DateTime UpdatedAt);
