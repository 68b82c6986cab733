using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Clientele.Features.Portal;

/// <summary>
/// Secrets in links and cookies: 256 random bits, base64url (43 characters). Only the SHA-256 is
/// stored; with this much entropy a fast hash is enough (nothing to brute-force).
/// </summary>
public static class PortalTokens
{
    public const int Length = 43;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    public static bool LooksValid(string? token) =>
        token is { Length: Length } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
