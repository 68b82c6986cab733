using System.Net.Mail;

namespace Clientele.Primitives;

public static class EmailAddress
{
    public const int MaxLength = 254;

    /// <summary>
    /// A deliverable-looking address: one local part, a dotted domain, no display name or spaces.
    /// Returns the trimmed address, or null when it is not one.
    /// </summary>
    public static string? Normalize(string? input)
    {
        var text = input?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || text.Any(char.IsWhiteSpace))
        {
            return null;
        }
        if (!MailAddress.TryCreate(text, out var parsed) || parsed.Address != text)
        {
            return null;
        }
        var at = text.LastIndexOf('@');
        var domain = text[(at + 1)..];
        var isDotted = domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.') && !domain.Contains("..", StringComparison.Ordinal);
        return at is > 0 and <= 64 && isDotted ? text : null;
    }
}
