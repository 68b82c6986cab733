using System.Security.Cryptography;

namespace Clientele.Platform.Security;

/// <summary>
/// The server's key-encryption key (KEK): the one secret that is not in the database. It encrypts the
/// Data Protection key ring stored in PostgreSQL and keys the document links' HMAC, so a database dump
/// alone decrypts nothing and opens no invoice. From <c>DataProtection:KeyEncryptionKey</c> (base64 of 32
/// bytes), else the file <c>DataProtection:KeyEncryptionKeyFile</c> (default
/// <c>~/.config/clientele/key-encryption-key</c>), which the first start creates with mode 0600.
/// Every server process (and the admin CLI) needs the same key. Rotation: put the new key first and list
/// the old one in <c>DataProtection:PreviousKeyEncryptionKeys</c>; keep it there as long as keys and
/// links made with it are in use (Data Protection keys live 90 days).
/// </summary>
public sealed class ServerSecrets
{
    public const string Section = "DataProtection";

    private ServerSecrets(IReadOnlyList<byte[]> keys) => Keys = keys;

    /// <summary>The current key first, then the previous ones (still accepted for decryption and links).</summary>
    public IReadOnlyList<byte[]> Keys { get; }

    public byte[] Current => Keys[0];

    /// <summary>A short public name of a key, so each encrypted element says which key it needs.</summary>
    public static string KeyId(byte[] key) => Convert.ToHexString(SHA256.HashData(key).AsSpan(0, 8)).ToLowerInvariant();

    /// <summary>A key for one purpose, derived from each KEK, so the KEK itself is used for one thing only.</summary>
    public IReadOnlyList<byte[]> Derive(string purpose) =>
        [.. Keys.Select(key => HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: System.Text.Encoding.UTF8.GetBytes(purpose)))];

    public static ServerSecrets Load(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var current = section["KeyEncryptionKey"] is { Length: > 0 } configured
            ? Decode(configured, "DataProtection:KeyEncryptionKey")
            : FromFile(section["KeyEncryptionKeyFile"] is { Length: > 0 } path ? path : DefaultFile());
        var previous = section.GetSection("PreviousKeyEncryptionKeys").Get<string[]>() ?? [];
        return new([current, .. previous.Select(p => Decode(p, "DataProtection:PreviousKeyEncryptionKeys"))]);
    }

    private static string DefaultFile()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
        if (string.IsNullOrEmpty(home))
        {
            throw new InvalidOperationException("Set DataProtection:KeyEncryptionKey or DataProtection:KeyEncryptionKeyFile (no home directory to keep the key in).");
        }
        return Path.Combine(home, "clientele", "key-encryption-key");
    }

    private static byte[] FromFile(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            // Written whole to a private temporary file, then moved into place: a process starting at the
            // same moment either wins the move or reads the winner's complete key, never a half-written one.
            var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var writer = new StreamWriter(temporary, options))
            {
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
                File.Delete(temporary);
            }
        }
        return Decode(File.ReadAllText(path).Trim(), path);
    }

    private static byte[] Decode(string text, string source)
    {
        var bytes = Convert.TryFromBase64String(text.Trim(), new byte[64], out var written) ? Convert.FromBase64String(text.Trim()) : [];
        return written == 32 && bytes.Length == 32
            ? bytes
            : throw new InvalidOperationException($"{source} must be 32 random bytes in base64 (e.g. `head -c 32 /dev/urandom | base64`).");
    }
}
