using System.Text.Json;

namespace Clientele.Features.Refunds;

// The body's shape for the OpenAPI document; RefundInput (the parser) is the authority on what is accepted.

/// <summary><c>POST /refunds</c>: no items refunds everything left of the payment.</summary>
public sealed record CreateRefundRequest(
    string PaymentId,
    IReadOnlyList<CreateRefundItemRequest>? Items = null,
    string? Reason = null,
    Dictionary<string, JsonElement>? Metadata = null);

/// <summary>One line to refund: all that is left of it, or <c>amount</c> (minor units).</summary>
public sealed record CreateRefundItemRequest(string ItemId, long? Amount = null);
