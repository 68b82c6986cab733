namespace Clientele.Features.Portal.Shell;

public static class ClientAddress
{
    /// <summary>
    /// The caller's IP for rate limits: the connection's address. Behind a reverse proxy, configure
    /// ASP.NET's forwarded-headers middleware for that proxy so this is the real client.
    /// </summary>
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
