using System.Net;
using System.Net.Sockets;
using Clientele.Primitives;

namespace Clientele.Features.Webhooks;

/// <summary>
/// Where webhooks may go (no SSRF): https only, and never to this machine, a private network, link-local
/// addresses (the cloud metadata service at 169.254.169.254), CGNAT, multicast, reserved or unspecified
/// addresses, in any spelling (IPv4-mapped IPv6, <c>http://2130706433/</c>). Checked when an endpoint is
/// saved, and again when delivering, on the addresses DNS gave: the socket connects to the address that
/// was checked, so a name cannot be re-pointed in between. Plain http to loopback is allowed only with
/// <c>Webhooks:AllowPrivateTargets</c> (default on in Development only), for local receivers.
/// </summary>
public static class WebhookTargets
{
    /// <summary>The problem with an endpoint URL, or null when it may be saved.</summary>
    public static string? Problem(Uri uri, Mode mode, bool allowPrivate)
    {
        if (uri.UserInfo.Length > 0)
        {
            return "must not contain credentials";
        }
        var loopbackName = uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || uri.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        if (uri.Scheme != Uri.UriSchemeHttps && !(allowPrivate && loopbackName && mode == Mode.Test))
        {
            return mode == Mode.Live ? "must use https in live mode" : "must use https (plain http only for localhost, when private targets are allowed)";
        }
        if (loopbackName && !allowPrivate)
        {
            return "must not point at this machine";
        }
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IsBlocked(address) && !(allowPrivate && IPAddress.IsLoopback(address)))
        {
            return "must not point at a private, loopback, link-local or reserved address";
        }
        return null;
    }

    /// <summary>Addresses no webhook may reach: loopback, private, link-local, CGNAT, multicast, reserved, unspecified.</summary>
    public static bool IsBlocked(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsBlocked(address.MapToIPv4());
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] is 0 or 10 or 127 or >= 224 // "this network", private, loopback, multicast and reserved (incl. broadcast)
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) // CGNAT 100.64.0.0/10
                || (b[0] == 169 && b[1] == 254) // link-local, cloud metadata
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2) // IETF protocol assignments, TEST-NET-1
                || (b[0] == 198 && b[1] is 18 or 19) // benchmarking
                || (b[0] == 198 && b[1] == 51 && b[2] == 100) || (b[0] == 203 && b[1] == 0 && b[2] == 113); // TEST-NET-2/3
        }
        var v6 = address.GetAddressBytes();
        if (v6.Take(12).All(x => x == 0))
        {
            return true; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
        }
        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b)
        {
            return IsBlocked(new IPAddress(v6[12..])); // NAT64 64:ff9b::/96 carries an IPv4 address
        }
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (v6[0] & 0xfe) == 0xfc // unique local fc00::/7
            || (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0d && v6[3] == 0xb8); // documentation 2001:db8::/32
    }

    /// <summary>
    /// The handler that sends webhooks: resolves the host itself, refuses blocked addresses (unless
    /// private targets are allowed and the address is loopback), connects to the checked address, and
    /// never follows redirects.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(Func<bool> allowPrivate) => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var allowed = allowPrivate();
            // Any blocked answer refuses the name: a resolver that mixes public and private answers is not to be trusted.
            if (addresses.Length == 0 || addresses.Any(a => IsBlocked(a) && !(allowed && IPAddress.IsLoopback(a))))
            {
                throw new BlockedTargetException(host);
            }
            SocketException? last = null;
            foreach (var address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    last = ex;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
            throw last!;
        },
    };
}

/// <summary>A delivery refused because its host resolved to an address webhooks may not reach.</summary>
public sealed class BlockedTargetException(string host)
    : Exception($"{host} resolves to a private, loopback, link-local or reserved address");
