using System.Text.Json;

namespace Clientele.Features.Subscriptions;

/// <summary>How subscriptions store their JSON columns (billing address, a charge's settlement): snake_case like the API.</summary>
public static class SubscriptionJson
{
    public static JsonSerializerOptions Options { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
