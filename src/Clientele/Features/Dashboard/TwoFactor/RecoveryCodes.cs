using System.Security.Cryptography;
using System.Text;

namespace Clientele.Features.Dashboard.TwoFactor;

/// <summary>
/// Recovery codes: 16 characters from a 32-letter alphabet (80 random bits), shown as
/// <c>abcd-efgh-jkmn-pqrs</c>. With that much entropy SHA-256 is enough to store them.
/// </summary>
public static class RecoveryCodes
{
    public const int Count = 10;
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford's: no i, l, o, u
    private const int Length = 16;

    public static string New()
    {
        var raw = RandomNumberGenerator.GetString(Alphabet, Length);
        return string.Join('-', raw.Chunk(4).Select(c => new string(c)));
    }

    /// <summary>What a person typed, as stored: without dashes or spaces, lower case; null if it cannot be a code.</summary>
    public static string? Normalize(string? input)
    {
        var text = new string((input ?? "").Where(c => c is not ('-' or ' ')).ToArray()).ToLowerInvariant();
        return text.Length == Length && text.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) ? text : null;
    }

    public static byte[] Hash(string normalized) => SHA256.HashData(Encoding.ASCII.GetBytes(normalized));
}
