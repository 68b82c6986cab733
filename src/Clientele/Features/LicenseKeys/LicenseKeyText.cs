using System.Security.Cryptography;
using System.Text;

namespace Clientele.Features.LicenseKeys;

/// <summary>
/// License key text: issued keys are five groups of five characters of Crockford's base32
/// (<c>7KQ2M-XH4TD-0RZ9C-WB3NF-P8GVA</c>), 125 random bits with no I, L, O or U to misread.
/// Keys are matched case-insensitively, ignoring surrounding spaces, by the SHA-256 of that form.
/// </summary>
public static class LicenseKeyText
{
    public const int MaxLength = 255;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int GroupCount = 5;
    private const int GroupLength = 5;

    public static string New()
    {
        var random = RandomNumberGenerator.GetString(Alphabet, GroupCount * GroupLength);
        return string.Join('-', Enumerable.Range(0, GroupCount).Select(i => random.Substring(i * GroupLength, GroupLength)));
    }

    /// <summary>The form keys are compared in: what a customer types in another case still matches.</summary>
    public static string Canonical(string key) => key.Trim().ToUpperInvariant();

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(key)));
}
