using Clientele.Primitives;

namespace Clientele.Platform.Email;

/// <summary>
/// One e-mail to send. <paramref name="Kind"/> names the template (for logs and the dev mailbox);
/// the bodies may hold secrets such as login links, so they are only ever stored encrypted.
/// </summary>
public sealed record EmailMessage(
    string Kind,
    string Recipient,
    string Subject,
    string TextBody,
    string HtmlBody,
    string Culture,
    string? FromName = null);

/// <summary>Whose mail this is: a business and mode, or the platform itself (no business).</summary>
public sealed record EmailScope(string? BusinessId, Mode Mode)
{
    public static EmailScope For(Tenant tenant) => new(tenant.BusinessId, tenant.Mode);

    /// <summary>Mail that belongs to no single business (the unified portal), always live mode.</summary>
    public static EmailScope Platform { get; } = new(null, Mode.Live);
}

/// <summary>A message as the dispatcher hands it to a transport.</summary>
public sealed record OutgoingEmail(string Id, Mode Mode, string Kind, string Recipient, string? FromName, string Subject, string TextBody, string HtmlBody);
