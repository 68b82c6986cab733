using Clientele.Platform.Api;
using Clientele.Primitives;

namespace Clientele.Features.Catalog;

/// <summary>Field checks shared by the catalog's inputs; each error names the field.</summary>
internal static class InputRules
{
    /// <summary>The reference declares prices and amounts as int32.</summary>
    public const long MaxAmount = int.MaxValue;

    public static long? Integer(JsonBody body, string field, long min, long max, bool required)
    {
        var value = body.Integer(field);
        if (body.HasErrorFor(field))
        {
            return null;
        }
        if (value.Value is not { } number)
        {
            if (required)
            {
                body.AddError(field, "is required");
            }
            return null;
        }
        if (number < min || number > max)
        {
            body.AddError(field, $"must be between {min} and {max}");
            return null;
        }
        return number;
    }

    public static bool? Boolean(JsonBody body, string field, bool required)
    {
        var value = body.Boolean(field);
        if (value.Value is null && required && !body.HasErrorFor(field))
        {
            body.AddError(field, "is required");
        }
        return value.Value;
    }

    /// <summary>One of the allowed strings (case-sensitive, as the reference's enums).</summary>
    public static string? OneOf(JsonBody body, string field, IReadOnlyCollection<string> allowed, bool required)
    {
        var value = body.String(field);
        if (body.HasErrorFor(field))
        {
            return null;
        }
        if (value.Value is not { } text)
        {
            if (required)
            {
                body.AddError(field, "is required");
            }
            return null;
        }
        if (!allowed.Contains(text))
        {
            body.AddError(field, $"must be one of {string.Join(", ", allowed)}");
            return null;
        }
        return text;
    }

    public static string? CurrencyCode(JsonBody body, string field, bool required)
    {
        var value = body.String(field);
        if (body.HasErrorFor(field))
        {
            return null;
        }
        if (value.Value is not { } text)
        {
            if (required)
            {
                body.AddError(field, "is required");
            }
            return null;
        }
        if (!Currency.TryFind(text, out var currency))
        {
            body.AddError(field, "is not an ISO-4217 currency code such as USD");
            return null;
        }
        return currency.Code;
    }

    /// <summary>Optional free text: absent or null is null; otherwise trimmed, non-blank, bounded.</summary>
    public static string? OptionalText(JsonBody body, string field, int maxLength)
    {
        var value = body.String(field);
        return value.Value is { } text ? body.CheckText(field, text, maxLength) : null;
    }
}
