using System.Text.Json;
using Clientele.Features.Catalog;
using Clientele.Platform.Api;

namespace Clientele.Features.Refunds;

public sealed record RefundItemRequest(string ItemId, long? Amount, string Field);

/// <summary>
/// POST /refunds: no items refunds everything left; items refund those lines (all that is left of each, or the amount given).
/// <paramref name="IdempotencyKey"/> (the dashboard's form sends one): a second request with it answers the first refund.
/// </summary>
public sealed record RefundRequest(string PaymentId, IReadOnlyList<RefundItemRequest>? Items, string? Reason, string MetadataJson, string? IdempotencyKey = null);

public static class RefundInput
{
    public static RefundRequest? Parse(JsonBody body)
    {
        var paymentId = body.RequiredText("payment_id", 64);
        List<RefundItemRequest>? items = null;
        if (body.Element("items").Value is { } element)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                body.AddError("items", "must be an array of {item_id, amount?}");
            }
            else
            {
                items = [];
                var index = 0;
                foreach (var entry in element.EnumerateArray())
                {
                    var field = $"items[{index++}]";
                    if (body.Child(field, entry) is not { } item)
                    {
                        continue;
                    }
                    var itemId = item.RequiredText("item_id", 64);
                    var amount = InputRules.Integer(item, "amount", 1, long.MaxValue, required: false);
                    if (itemId is not null)
                    {
                        items.Add(new RefundItemRequest(itemId, amount, field));
                    }
                }
                if (items.GroupBy(i => i.ItemId).FirstOrDefault(g => g.Count() > 1) is { } repeated)
                {
                    body.AddError("items", $"lists {repeated.Key} more than once");
                }
            }
        }
        var reason = InputRules.OptionalText(body, "reason", 1000);
        var metadata = body.Element("metadata").Value is { } meta ? Metadata.Validate("metadata", meta, body) : Metadata.EmptyJson;
        return body.HasErrors ? null : new RefundRequest(paymentId!, items is { Count: > 0 } ? items : null, reason, metadata!);
    }
}
