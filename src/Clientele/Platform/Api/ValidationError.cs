namespace Clientele.Platform.Api;

/// <summary>One bad input: the field it concerns (as the client spelled it) and what is wrong.</summary>
public sealed record ValidationError(string Field, string Problem)
{
    public string Message => $"{Field}: {Problem}";
}

/// <summary>A field that may be absent, present as null, or present with a value (PATCH semantics).</summary>
public readonly record struct Optional<T>(bool IsSet, T Value)
{
    public static Optional<T> Unset => default;

    public static Optional<T> Of(T value) => new(true, value);
}
