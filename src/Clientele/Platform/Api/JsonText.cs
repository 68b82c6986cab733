using System.Text.Json;

namespace Clientele.Platform.Api;

/// <summary>
/// Every string in a request body, names included, must be text PostgreSQL can store: valid UTF-8
/// (no lone surrogates) and no NUL character. Checked once when the body is read, so no feature can
/// forget it; the error names the field by its path (<c>customer.name</c>, <c>product_cart[2].product_id</c>).
/// Every array and object is bounded here too, so no list input can make a request run for seconds.
/// </summary>
public static class JsonText
{
    /// <summary>The most items any array in a request may hold (cart lines, groups, refund items, filter types, …).</summary>
    public const int MaxArrayItems = 100;

    /// <summary>The most fields any object in a request may hold (metadata and headers have smaller limits of their own).</summary>
    public const int MaxObjectFields = 100;

    public static ApiErrorResult? Check(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return CheckString(element, path);
            case JsonValueKind.Object:
                if (element.EnumerateObject().Count() > MaxObjectFields)
                {
                    return ApiResults.Invalid(new ValidationError(path.Length == 0 ? "body" : path, $"must have at most {MaxObjectFields} fields"));
                }
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return ApiResults.BadRequest("INVALID_JSON", $"{(path.Length == 0 ? "body" : path)}: a field name is not valid UTF-8");
                    }
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (name.Contains('\0', StringComparison.Ordinal))
                    {
                        return ApiResults.Invalid(new ValidationError(child.Replace("\0", "\\u0000", StringComparison.Ordinal), "must not contain NUL characters"));
                    }
                    if (Check(property.Value, child) is { } problem)
                    {
                        return problem;
                    }
                }
                return null;
            case JsonValueKind.Array:
                if (element.GetArrayLength() > MaxArrayItems)
                {
                    return ApiResults.Invalid(new ValidationError(path, $"must have at most {MaxArrayItems} items"));
                }
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Check(item, $"{path}[{index++}]") is { } problem)
                    {
                        return problem;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private static ApiErrorResult? CheckString(JsonElement element, string path)
    {
        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return ApiResults.BadRequest("INVALID_JSON", $"{path}: is not valid UTF-8 text");
        }
        return value.Contains('\0', StringComparison.Ordinal)
            ? ApiResults.Invalid(new ValidationError(path, "must not contain NUL characters"))
            : null;
    }
}
