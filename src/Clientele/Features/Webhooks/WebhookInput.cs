using System.Text.Json;
using System.Text.RegularExpressions;
using Clientele.Platform.Api;

namespace Clientele.Features.Webhooks;

/// <summary>Endpoint settings from a create or patch body; null members are left as they are.</summary>
public sealed record WebhookSettings(
    string? Url,
    string? Description,
    bool? Disabled,
    string[]? FilterTypes,
    Dictionary<string, string>? Metadata,
    Optional<int?> RateLimit,
    Dictionary<string, string>? Headers,
    string? IdempotencyKey);

/// <summary>Validation of webhook endpoint input; every error names its field.</summary>
public static partial class WebhookInput
{
    private const int MaxUrlLength = 2048;
    private const int MaxHeaders = 20;
    private const int MaxHeaderValueLength = 1000;

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length",
        "host", "user-agent", "connection", "transfer-encoding", "expect",
    };

    public static WebhookSettings? Parse(JsonBody body, bool isCreate)
    {
        var url = body.String("url") switch
        {
            { IsSet: true, Value: { } text } => Url(body, text),
            _ when isCreate => Missing<string>(body, "url"),
            _ => null,
        };
        var description = body.String("description") is { IsSet: true, Value: { } d } ? Bounded(body, "description", d.Trim(), 500) : null;
        var disabled = body.Boolean("disabled").Value;
        var filterTypes = body.Element("filter_types") is { IsSet: true, Value: { } f } ? FilterTypes(body, f) : null;
        var metadata = body.Element("metadata") is { IsSet: true, Value: { } m } ? StringMap(body, "metadata", m, 50, 500) : null;
        var headers = body.Element("headers") is { IsSet: true, Value: { } h } ? Headers(body, "headers", h) : null;
        var rateLimit = body.Integer("rate_limit") switch
        {
            { IsSet: true, Value: null } => Optional<int?>.Of(null),
            { IsSet: true, Value: >= 0 and <= 100_000 and var limit } => Optional<int?>.Of((int)limit),
            { IsSet: true } => Error<Optional<int?>>(body, "rate_limit", "must be between 0 and 100000"),
            _ => Optional<int?>.Unset,
        };
        var idempotencyKey = body.String("idempotency_key") is { IsSet: true, Value: { } k } ? Bounded(body, "idempotency_key", k, 255) : null;
        return body.HasErrors ? null : new WebhookSettings(url, description, disabled, filterTypes, metadata, rateLimit, headers, idempotencyKey);
    }

    /// <summary>Parses the body of <c>PATCH /webhooks/{id}/headers</c>: <c>{"headers": {...}}</c>.</summary>
    public static Dictionary<string, string>? ParseHeaders(JsonBody body)
    {
        var headers = body.Element("headers") is { IsSet: true, Value: { } h } ? Headers(body, "headers", h) : Missing<Dictionary<string, string>>(body, "headers");
        return body.HasErrors ? null : headers;
    }

    /// <summary>Headers likely to carry credentials: their values are never shown back.</summary>
    public static bool IsSensitive(string header) => SensitiveName().IsMatch(header);

    private static string? Url(JsonBody body, string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > MaxUrlLength || !Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            return Error<string>(body, "url", "must be an absolute https URL");
        }
        if (uri.Scheme == "http" && !uri.IsLoopback)
        {
            return Error<string>(body, "url", "must use https (plain http is allowed only for localhost)");
        }
        return uri.AbsoluteUri;
    }

    private static string[]? FilterTypes(JsonBody body, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Error<string[]>(body, "filter_types", "must be an array of event types");
        }
        var types = new List<string>();
        foreach (var (item, index) in value.EnumerateArray().Select((item, index) => (item, index)))
        {
            if (item.ValueKind != JsonValueKind.String || !WebhookEventTypes.All.Contains(item.GetString()!))
            {
                return Error<string[]>(body, $"filter_types[{index}]", $"is not a known event type ({item})");
            }
            types.Add(item.GetString()!);
        }
        return [.. types.Distinct()];
    }

    private static Dictionary<string, string>? Headers(JsonBody body, string field, JsonElement value)
    {
        var headers = StringMap(body, field, value, MaxHeaders, MaxHeaderValueLength);
        foreach (var (name, headerValue) in headers ?? [])
        {
            if (!HeaderName().IsMatch(name))
            {
                return Error<Dictionary<string, string>>(body, $"{field}.{name}", "is not a valid header name");
            }
            if (ReservedHeaders.Contains(name))
            {
                return Error<Dictionary<string, string>>(body, $"{field}.{name}", "is set by Clientele and cannot be overridden");
            }
            if (headerValue.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                return Error<Dictionary<string, string>>(body, $"{field}.{name}", "must not contain line breaks");
            }
        }
        return headers;
    }

    private static Dictionary<string, string>? StringMap(JsonBody body, string field, JsonElement value, int maxKeys, int maxValueLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return Error<Dictionary<string, string>>(body, field, "must be an object of string values");
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                return Error<Dictionary<string, string>>(body, $"{field}.{property.Name}", "must be a string");
            }
            if (property.Name.Length is 0 or > 100 || property.Value.GetString()!.Length > maxValueLength)
            {
                return Error<Dictionary<string, string>>(body, $"{field}.{property.Name}", $"keys must be 1 to 100 characters and values at most {maxValueLength}");
            }
            map[property.Name] = property.Value.GetString()!;
        }
        return map.Count > maxKeys ? Error<Dictionary<string, string>>(body, field, $"may have at most {maxKeys} entries") : map;
    }

    private static string? Bounded(JsonBody body, string field, string value, int maxLength) =>
        value.Length <= maxLength ? value : Error<string>(body, field, $"must be at most {maxLength} characters");

    private static T? Missing<T>(JsonBody body, string field) => Error<T>(body, field, "is required");

    private static T? Error<T>(JsonBody body, string field, string problem)
    {
        body.AddError(field, problem);
        return default;
    }

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")]
    private static partial Regex HeaderName();

    [GeneratedRegex("authorization|token|secret|key|cookie|password|signature|credential", RegexOptions.IgnoreCase)]
    private static partial Regex SensitiveName();
}
