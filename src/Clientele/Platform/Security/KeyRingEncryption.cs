using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Clientele.Platform.Security;

/// <summary>
/// Encrypts each Data Protection key before it is stored in PostgreSQL (AES-256-GCM under the server's
/// key-encryption key, <see cref="ServerSecrets"/>), so the <c>data_protection_keys</c> table alone cannot
/// decrypt e-mail bodies, webhook secrets or headers. Keys written before this existed stay readable.
/// </summary>
public sealed class KeyRingEncryptor(byte[] key) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(12);
        var tag = new byte[16];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        }
        var element = new XElement("encryptedKey",
            new XAttribute("kek", ServerSecrets.KeyId(key)),
            new XElement("value", Convert.ToBase64String([.. nonce, .. tag, .. ciphertext])));
        return new EncryptedXmlInfo(element, typeof(KeyRingDecryptor));
    }
}

/// <summary>Decrypts what <see cref="KeyRingEncryptor"/> wrote, with the current or a previous key-encryption key.</summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var id = encryptedElement.Attribute("kek")?.Value;
        var key = services.GetRequiredService<ServerSecrets>().Keys.FirstOrDefault(k => ServerSecrets.KeyId(k) == id)
            ?? throw new CryptographicException($"The key ring was encrypted with key-encryption key {id}, which is not configured (DataProtection:PreviousKeyEncryptionKeys).");
        var data = Convert.FromBase64String(encryptedElement.Element("value")!.Value);
        var plaintext = new byte[data.Length - 28];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Decrypt(data.AsSpan(0, 12), data.AsSpan(28), data.AsSpan(12, 16), plaintext);
        }
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}
