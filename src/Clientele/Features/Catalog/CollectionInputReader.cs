using System.Text.Json;
using Clientele.Platform.Api;

namespace Clientele.Features.Catalog;

/// <summary>Reads product-collection inputs; errors name the path, e.g. <c>groups[0].products[1].product_id</c>.</summary>
public static class CollectionInputReader
{
    private static readonly string[] ProrationModes = ["prorated_immediately", "full_immediately", "difference_immediately", "do_not_bill"];
    private static readonly string[] EffectiveAt = ["immediately", "next_billing_date"];
    private static readonly string[] OnPaymentFailure = ["prevent_change", "apply_change"];

    public static CollectionInput? ParseCreate(JsonBody body)
    {
        var name = body.RequiredText("name", ProductInput.MaxNameLength);
        var description = InputRules.OptionalText(body, "description", ProductInput.MaxDescriptionLength);
        var defaults = Defaults(body);
        var groups = new List<GroupInput>();
        if (body.Element("groups").Value is not { ValueKind: JsonValueKind.Array } array)
        {
            body.AddError("groups", "is required and must be an array of groups");
        }
        else
        {
            var index = 0;
            foreach (var element in array.EnumerateArray())
            {
                if (body.Child($"groups[{index++}]", element) is { } groupBody && ParseGroup(groupBody) is { } group)
                {
                    groups.Add(group);
                }
            }
        }
        CheckDistinct(body, groups.SelectMany(g => g.Products.Select(p => p.ProductId)));
        return body.HasErrors ? null : new CollectionInput(name!, description, defaults, groups);
    }

    public static GroupInput? ParseGroup(JsonBody body)
    {
        var name = InputRules.OptionalText(body, "group_name", ProductInput.MaxNameLength);
        var status = InputRules.Boolean(body, "status", required: false) ?? true;
        var products = ParseProducts(body);
        return products is null ? null : new GroupInput(name, status, products);
    }

    public static List<(string ProductId, bool Status)>? ParseProducts(JsonBody body)
    {
        if (body.Element("products").Value is not { ValueKind: JsonValueKind.Array } array)
        {
            body.AddError("products", "is required and must be an array");
            return null;
        }
        var products = new List<(string, bool)>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            if (body.Child($"products[{index++}]", element) is not { } item)
            {
                continue;
            }
            var productId = item.RequiredText("product_id", 64);
            var status = InputRules.Boolean(item, "status", required: false) ?? true;
            if (productId is not null)
            {
                products.Add((productId, status));
            }
        }
        CheckDistinct(body, products.Select(p => p.Item1));
        return body.HasErrors ? null : products;
    }

    public static CollectionPlanChangeDefaults Defaults(JsonBody body) => new(
        InputRules.OneOf(body, "proration_billing_mode_on_upgrade", ProrationModes, required: false),
        InputRules.OneOf(body, "proration_billing_mode_on_downgrade", ProrationModes, required: false),
        InputRules.OneOf(body, "effective_at_on_upgrade", EffectiveAt, required: false),
        InputRules.OneOf(body, "effective_at_on_downgrade", EffectiveAt, required: false),
        InputRules.OneOf(body, "on_payment_failure", OnPaymentFailure, required: false));

    private static void CheckDistinct(JsonBody body, IEnumerable<string> productIds)
    {
        var duplicate = productIds.GroupBy(id => id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            body.AddError("products", $"lists {duplicate.Key} more than once (a product belongs to one collection, once)");
        }
    }
}
