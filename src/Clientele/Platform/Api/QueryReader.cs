using System.Globalization;

namespace Clientele.Platform.Api;

/// <summary>Reads query parameters with errors that name the parameter.</summary>
public sealed class QueryReader(IQueryCollection query)
{
    private readonly List<ValidationError> errors = [];

    public bool HasErrors => errors.Count > 0;

    public ApiErrorResult ErrorResult => ApiResults.Invalid(errors);

    public void AddError(string field, string problem) => errors.Add(new ValidationError(field, problem));

    /// <summary>A non-empty string; <c>key=</c> (the SDKs' encoding of null) counts as absent.</summary>
    public string? String(string name, int maxLength = 320)
    {
        var value = query[name].ToString();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (value.Length > maxLength)
        {
            AddError(name, $"must be at most {maxLength} characters");
            return null;
        }
        return value;
    }

    public int? Int(string name, int min, int max)
    {
        var text = String(name, 20);
        if (text is null)
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            AddError(name, "must be an integer");
            return null;
        }
        if (value < min || value > max)
        {
            AddError(name, $"must be between {min} and {max}");
            return null;
        }
        return value;
    }

    public bool? Boolean(string name)
    {
        var text = String(name, 5);
        if (text is null)
        {
            return null;
        }
        if (bool.TryParse(text, out var value))
        {
            return value;
        }
        AddError(name, "must be true or false");
        return null;
    }

    /// <summary>An RFC 3339 timestamp; one without an offset is taken as UTC.</summary>
    public DateTime? Timestamp(string name)
    {
        var text = String(name, 64);
        if (text is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value.UtcDateTime;
        }
        AddError(name, "must be an RFC 3339 date-time such as 2025-01-31T12:00:00Z");
        return null;
    }

    public Paging Paging()
    {
        var number = Int("page_number", 0, 1_000_000) ?? 0;
        var size = Int("page_size", 1, Api.Paging.MaxSize) ?? Api.Paging.DefaultSize;
        return new Paging(number, size);
    }
}

/// <summary>0-based page number and page size, as the reference: default 10, at most 100.</summary>
public readonly record struct Paging(int Number, int Size)
{
    public const int DefaultSize = 10;
    public const int MaxSize = 100;

    public long Offset => (long)Number * Size;
}

/// <summary>The reference's page body: <c>{"items": [...]}</c>; past the end it is simply empty.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items);
