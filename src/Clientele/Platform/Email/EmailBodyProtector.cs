using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Clientele.Platform.Email;

/// <summary>
/// Encrypts e-mail bodies at rest with ASP.NET Data Protection (keys shared in PostgreSQL), because a
/// body can carry a login link that is as good as a password until it is used or expires.
/// </summary>
public sealed class EmailBodyProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("Clientele.Email.Body.v1");

    public byte[] Protect(string textBody, string htmlBody) =>
        protector.Protect(JsonSerializer.SerializeToUtf8Bytes(new Body(textBody, htmlBody)));

    public (string Text, string Html) Unprotect(byte[] protectedBody)
    {
        var body = JsonSerializer.Deserialize<Body>(protector.Unprotect(protectedBody))
            ?? throw new InvalidDataException("An e-mail body decrypted to nothing.");
        return (body.Text, body.Html);
    }

    private sealed record Body(string Text, string Html);
}
