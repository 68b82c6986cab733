namespace Clientele.Features.Webhooks;

/// <summary>A webhook endpoint row as stored (secret and headers still encrypted).</summary>
public sealed record WebhookEndpointRow
{
    public const string Columns = "id, business_id, mode, url, description, disabled, filter_types, metadata::text AS metadata, rate_limit, secret_protected, previous_secret_protected, previous_secret_expires_at, headers_protected, idempotency_key, created_at, updated_at";

    public required string Id { get; init; }

    public required string BusinessId { get; init; }

    public required string Mode { get; init; }

    public required string Url { get; init; }

    public string Description { get; init; } = "";

    public bool Disabled { get; init; }

    public string[] FilterTypes { get; init; } = [];

    public string Metadata { get; init; } = "{}";

    public int? RateLimit { get; init; }

    public required string SecretProtected { get; init; }

    public string? PreviousSecretProtected { get; init; }

    public DateTime? PreviousSecretExpiresAt { get; init; }

    public required string HeadersProtected { get; init; }

    public string? IdempotencyKey { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public WebhookDetails ToResponse() => new(
        Id, Url, Description, Disabled, FilterTypes,
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(Metadata) ?? [],
        RateLimit, CreatedAt, UpdatedAt);
}

/// <summary>The reference's WebhookDetails.</summary>
public sealed record WebhookDetails(
    string Id,
    string Url,
    string Description,
    bool Disabled,
    string[] FilterTypes,
    Dictionary<string, string> Metadata,
    int? RateLimit,
    DateTime CreatedAt,
    DateTime UpdatedAt);

/// <summary>The reference's cursor page, used only by <c>GET /webhooks</c>.</summary>
public sealed record WebhookPage(IReadOnlyList<WebhookDetails> Data, bool Done, string? Iterator, string? PrevIterator);

public sealed record WebhookSecretResponse(string Secret);

public sealed record WebhookHeadersResponse(Dictionary<string, string> Headers, IReadOnlyList<string> Sensitive);
