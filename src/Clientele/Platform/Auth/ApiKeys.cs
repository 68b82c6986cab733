using System.Security.Cryptography;
using System.Text;
using Clientele.Primitives;

namespace Clientele.Platform.Auth;

/// <summary>
/// The shape of API keys: <c>ck_test_…</c> or <c>ck_live_…</c> followed by 43 base62 characters
/// (256 random bits). Only the SHA-256 of the key is stored.
/// </summary>
public static class ApiKeyFormat
{
    public const int SecretChars = 43;

    public static string Prefix(Mode mode) => mode == Mode.Live ? "ck_live_" : "ck_test_";

    public static string NewKey(Mode mode) => Prefix(mode) + Ids.RandomBase62(SecretChars);

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Enough of the key for a person to tell keys apart; nowhere near enough to use it.</summary>
    public static string DisplayHint(string key) => key[..12] + "…";

    /// <summary>Whether the text has the shape of one of our keys, and which mode it names.</summary>
    public static bool TryParse(string? key, out Mode mode)
    {
        mode = default;
        if (key is null || key.Length != 8 + SecretChars)
        {
            return false;
        }
        if (key.StartsWith("ck_test_", StringComparison.Ordinal))
        {
            mode = Mode.Test;
        }
        else if (key.StartsWith("ck_live_", StringComparison.Ordinal))
        {
            mode = Mode.Live;
        }
        else
        {
            return false;
        }
        return key.AsSpan(8).IndexOfAnyExcept(Ids.Base62) < 0;
    }
}
