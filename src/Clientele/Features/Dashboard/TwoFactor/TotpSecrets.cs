using System.Security.Cryptography;
using System.Text;
using Clientele.Platform.Security;

namespace Clientele.Features.Dashboard.TwoFactor;

/// <summary>
/// Encrypts TOTP secrets at rest: AES-256-GCM under a key derived from the server's key-encryption key
/// (<see cref="ServerSecrets"/>), bound to the person's id, so a database dump alone yields no secret and a
/// ciphertext copied to another row does not decrypt. Secrets made under a previous KEK still decrypt.
/// Layout: key id (8) · nonce (12) · tag (16) · ciphertext.
/// </summary>
public sealed class TotpSecrets(ServerSecrets secrets)
{
    private readonly IReadOnlyList<byte[]> keys = secrets.Derive("clientele:dashboard-totp-secrets");

    public byte[] Encrypt(string userId, byte[] secret)
    {
        var key = keys[0];
        var nonce = RandomNumberGenerator.GetBytes(12);
        var tag = new byte[16];
        var ciphertext = new byte[secret.Length];
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Encrypt(nonce, secret, ciphertext, tag, Encoding.UTF8.GetBytes(userId));
        }
        return [.. KeyId(key), .. nonce, .. tag, .. ciphertext];
    }

    public byte[] Decrypt(string userId, byte[] stored)
    {
        var key = keys.FirstOrDefault(k => KeyId(k).AsSpan().SequenceEqual(stored.AsSpan(0, 8)))
            ?? throw new CryptographicException("A TOTP secret was encrypted with a key-encryption key that is not configured (DataProtection:PreviousKeyEncryptionKeys).");
        var plaintext = new byte[stored.Length - 36];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(stored.AsSpan(8, 12), stored.AsSpan(36), stored.AsSpan(20, 16), plaintext, Encoding.UTF8.GetBytes(userId));
        return plaintext;
    }

    private static byte[] KeyId(byte[] key) => SHA256.HashData(key)[..8];
}
