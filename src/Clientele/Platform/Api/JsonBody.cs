using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Clientele.Platform.Api;

/// <summary>
/// Reads a request body as a JSON object and its fields with errors that name the field.
/// An empty body counts as <c>{}</c> (the SDKs send no body on some POSTs); malformed JSON is a 400.
/// </summary>
public sealed class JsonBody
{
    private const int MaxBodyBytes = 1024 * 1024;
    private readonly JsonElement root;
    private readonly List<ValidationError> errors;
    private readonly string prefix;

    private JsonBody(JsonElement root, string prefix = "", List<ValidationError>? errors = null)
    {
        this.root = root;
        this.prefix = prefix;
        this.errors = errors ?? [];
    }

    public IReadOnlyList<ValidationError> Errors => errors;

    public bool HasErrors => errors.Count > 0;

    public ApiErrorResult ErrorResult => ApiResults.Invalid(errors);

    public static async Task<(JsonBody? Body, ApiErrorResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, new ApiErrorResult(StatusCodes.Status413PayloadTooLarge, new("PAYLOAD_TOO_LARGE", "The request body is larger than 1 MiB.")));
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBodyBytes)
        {
            return (null, new ApiErrorResult(StatusCodes.Status413PayloadTooLarge, new("PAYLOAD_TOO_LARGE", "The request body is larger than 1 MiB.")));
        }
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return (new JsonBody(JsonDocument.Parse("{}").RootElement), null);
        }
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            var root = document.RootElement.Clone();
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, ApiResults.BadRequest("INVALID_JSON", "The request body must be a JSON object."));
            }
            return JsonText.Check(root, "") is { } problem ? (null, problem) : (new JsonBody(root), null);
        }
        catch (JsonException ex)
        {
            return (null, ApiResults.BadRequest("INVALID_JSON", $"The request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})."));
        }
    }

    /// <summary>A body built by the server itself (a form's fields as JSON), validated with the same rules as the API's.</summary>
    public static JsonBody Of(JsonElement root) => new(root.Clone());

    /// <summary>
    /// Reads the body and parses it with a feature's input rules: the parsed input, or the response
    /// to send instead (400 for unreadable JSON, 422 naming every bad field).
    /// </summary>
    public static async Task<ParsedBody<T>> ParseAsync<T>(HttpRequest request, Func<JsonBody, T?> parse, CancellationToken cancellationToken)
        where T : class
    {
        var (body, error) = await ReadAsync(request, cancellationToken);
        if (error is not null)
        {
            return new(null, error);
        }
        var input = parse(body!);
        return input is null ? new(null, body!.ErrorResult) : new(input, null);
    }

    public void AddError(string field, string problem) => errors.Add(new ValidationError(prefix + field, problem));

    /// <summary>
    /// Reads a nested object with the same rules; its errors land in this body, named by path
    /// (e.g. <c>price.currency</c>, <c>groups[1].products</c>). Null when the value is not an object.
    /// </summary>
    public JsonBody? Child(string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            AddError(field, "must be an object");
            return null;
        }
        return new JsonBody(value, prefix + field + ".", errors);
    }

    /// <summary>The field names present, so callers can reject unknown or mutually exclusive ones.</summary>
    public IEnumerable<string> FieldNames => root.EnumerateObject().Select(p => p.Name);

    /// <summary>A string field: Unset when absent; Of(null) when null; an error when not a string.</summary>
    public Optional<string?> String(string field)
    {
        if (!root.TryGetProperty(field, out var value))
        {
            return Optional<string?>.Unset;
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return Optional<string?>.Of(null);
            case JsonValueKind.String:
                return Optional<string?>.Of(value.GetString());
            default:
                AddError(field, "must be a string");
                return Optional<string?>.Unset;
        }
    }

    /// <summary>A required, non-blank string, trimmed and bounded in length.</summary>
    public string? RequiredText(string field, int maxLength)
    {
        var value = String(field);
        if (HasErrorFor(field))
        {
            return null;
        }
        if (!value.IsSet || value.Value is null)
        {
            AddError(field, "is required");
            return null;
        }
        return CheckText(field, value.Value, maxLength);
    }

    /// <summary>Trims and checks a text value: not blank, at most maxLength characters.</summary>
    public string? CheckText(string field, string value, int maxLength)
    {
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            AddError(field, "must not be blank");
            return null;
        }
        if (trimmed.Length > maxLength)
        {
            AddError(field, $"must be at most {maxLength} characters");
            return null;
        }
        return trimmed;
    }

    /// <summary>An integer field that must fit in a long: Unset when absent; an error for fractions and overflow.</summary>
    public Optional<long?> Integer(string field)
    {
        if (!root.TryGetProperty(field, out var value))
        {
            return Optional<long?>.Unset;
        }
        if (value.ValueKind == JsonValueKind.Null)
        {
            return Optional<long?>.Of(null);
        }
        if (value.ValueKind != JsonValueKind.Number)
        {
            AddError(field, "must be an integer");
            return Optional<long?>.Unset;
        }
        if (value.TryGetInt64(out var number))
        {
            return Optional<long?>.Of(number);
        }
        AddError(field, value.GetRawText().IndexOfAny(['.', 'e', 'E']) >= 0 && decimal.TryParse(value.GetRawText(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
            ? "must be a whole number"
            : "is too large");
        return Optional<long?>.Unset;
    }

    public Optional<bool?> Boolean(string field)
    {
        if (!root.TryGetProperty(field, out var value))
        {
            return Optional<bool?>.Unset;
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Null: return Optional<bool?>.Of(null);
            case JsonValueKind.True: return Optional<bool?>.Of(true);
            case JsonValueKind.False: return Optional<bool?>.Of(false);
            default:
                AddError(field, "must be true or false");
                return Optional<bool?>.Unset;
        }
    }

    /// <summary>The raw element of a field, for shapes a feature checks itself (metadata, nested objects).</summary>
    public Optional<JsonElement?> Element(string field)
    {
        if (!root.TryGetProperty(field, out var value))
        {
            return Optional<JsonElement?>.Unset;
        }
        return Optional<JsonElement?>.Of(value.ValueKind == JsonValueKind.Null ? null : value);
    }

    public bool HasErrorFor(string field) => errors.Exists(e => e.Field == prefix + field);
}

/// <summary>A parsed request body: the input, or the error response to send instead.</summary>
public readonly record struct ParsedBody<T>(T? Input, ApiErrorResult? Error)
    where T : class
{
    [MemberNotNullWhen(false, nameof(Input))]
    [MemberNotNullWhen(true, nameof(Error))]
    public bool Failed => Error is not null;
}
