using System.Security.Cryptography;
using System.Text;

namespace Clientele.Features.Webhooks;

/// <summary>
/// Standard Webhooks signing: secrets are <c>whsec_</c> + base64 key bytes; a signature is
/// <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")); several are space-separated.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var signed = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(signed);
    }

    /// <summary>The header value: one signature per valid secret (the current one, and the previous one during rotation).</summary>
    public static string Header(IEnumerable<string> secrets, string messageId, long timestamp, string body) =>
        string.Join(' ', secrets.Select(secret => Sign(secret, messageId, timestamp, body)));
}
