namespace Clientele.Features.Webhooks;

// The bodies' shapes for the OpenAPI document; WebhookInput (the parser) is the authority on what is accepted.

/// <summary><c>POST /webhooks</c>.</summary>
public sealed record CreateWebhookRequest(
    string Url,
    string? Description = null,
    bool? Disabled = null,
    IReadOnlyList<string>? FilterTypes = null,
    Dictionary<string, string>? Headers = null,
    string? IdempotencyKey = null,
    Dictionary<string, string>? Metadata = null,
    int? RateLimit = null);

/// <summary><c>PATCH /webhooks/{id}</c>: absent fields are left as they are; <c>rate_limit: null</c> removes the limit.</summary>
public sealed record PatchWebhookRequest(
    string? Url = null,
    string? Description = null,
    bool? Disabled = null,
    IReadOnlyList<string>? FilterTypes = null,
    Dictionary<string, string>? Metadata = null,
    int? RateLimit = null);

/// <summary><c>PATCH /webhooks/{id}/headers</c>: merged into the endpoint's custom headers.</summary>
public sealed record PatchWebhookHeadersRequest(Dictionary<string, string> Headers);
