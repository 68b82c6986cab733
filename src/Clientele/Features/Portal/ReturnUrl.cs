using System.Net;

namespace Clientele.Features.Portal;

/// <summary>
/// Where "Back to {business}" leads: an absolute https URL, or http only on this machine
/// (localhost, 127.0.0.1, ::1) for development. Anything else could be a phishing hop.
/// </summary>
public static class ReturnUrl
{
    public const int MaxLength = 2048;

    public static bool TryNormalize(string? text, out string? url)
    {
        url = null;
        if (text is null || text.Length > MaxLength || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0)
        {
            return false;
        }
        var ok = uri.Scheme == Uri.UriSchemeHttps
            || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri.Host));
        url = ok ? uri.AbsoluteUri : null;
        return ok;
    }

    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
