using System.Text.Json;

namespace Clientele.Platform.Api;

/// <summary>
/// The reference's Metadata: a flat JSON object whose values are strings, numbers or booleans.
/// Bounded so one record cannot carry an unbounded blob.
/// </summary>
public static class Metadata
{
    public const int MaxKeys = 50;
    public const int MaxKeyLength = 40;
    public const int MaxStringLength = 500;

    public static string EmptyJson => "{}";

    /// <summary>Checks the value and returns its JSON text to store, or records errors on the body.</summary>
    public static string? Validate(string field, JsonElement value, JsonBody body)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            body.AddError(field, "must be an object of string, number or boolean values");
            return null;
        }
        var count = 0;
        foreach (var property in value.EnumerateObject())
        {
            if (++count > MaxKeys)
            {
                body.AddError(field, $"may have at most {MaxKeys} keys");
                return null;
            }
            if (property.Name.Length is 0 or > MaxKeyLength)
            {
                body.AddError($"{field}.{property.Name}", $"keys must be 1 to {MaxKeyLength} characters");
                return null;
            }
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String when property.Value.GetString()!.Length > MaxStringLength:
                    body.AddError($"{field}.{property.Name}", $"must be at most {MaxStringLength} characters");
                    return null;
                case JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    break;
                default:
                    body.AddError($"{field}.{property.Name}", "must be a string, number or boolean");
                    return null;
            }
        }
        return value.GetRawText();
    }

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
