namespace Clientele.Primitives;

/// <summary>Every business has two isolated environments; every tenant row carries one.</summary>
public enum Mode
{
    Test,
    Live,
}

public static class ModeText
{
    public static string ToDb(this Mode mode) => mode == Mode.Live ? "live" : "test";

    public static Mode Parse(string text) => TryParse(text, out var mode)
        ? mode
        : throw new ArgumentException($"Unknown mode '{text}'; use test or live.", nameof(text));

    public static bool TryParse(string? text, out Mode mode)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "test": mode = Mode.Test; return true;
            case "live": mode = Mode.Live; return true;
            default: mode = default; return false;
        }
    }
}
