using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Clientele.Tests.Platform;

/// <summary>
/// A small but real SMTP server on loopback (RFC 5321 subset): any number of connections, STARTTLS or
/// TLS on connect with a self-signed certificate, AUTH PLAIN, and a record of what arrived on which
/// connection. Enough to prove what the transport does on the wire, with nothing mocked.
/// </summary>
public sealed class SmtpTestServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private int connections;

    public SmtpTestServer(bool implicitTls = false, bool startTls = false, (string User, string Password)? credentials = null, bool dropAfterEachMessage = false,
        Func<int, bool>? dropBeforeAccepting = null)
    {
        DropBeforeAccepting = dropBeforeAccepting;
        ImplicitTls = implicitTls;
        StartTls = startTls;
        Credentials = credentials;
        DropAfterEachMessage = dropAfterEachMessage;
        listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public bool ImplicitTls { get; }

    public bool StartTls { get; }

    public (string User, string Password)? Credentials { get; }

    public bool DropAfterEachMessage { get; }

    /// <summary>Called with the count of messages received so far (this one included); true hangs up before the 250 reply.</summary>
    public Func<int, bool>? DropBeforeAccepting { get; }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>A self-signed certificate for 127.0.0.1, made once per process.</summary>
    public static X509Certificate2 Certificate { get; } = MakeCertificate();

    /// <summary>Trusts exactly <see cref="Certificate"/> (what an operator does with a private CA).</summary>
    public static bool TrustOnlyOurCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == Certificate.Thumbprint;

    public int Connections => Volatile.Read(ref connections);

    public ConcurrentQueue<Received> Messages { get; } = new();

    /// <summary>How many connections ended with QUIT.</summary>
    public int Quits => quits;

    private int quits;

    public sealed record Received(int Connection, bool Encrypted, string? User, string From, IReadOnlyList<string> To, string Data);

    public async Task<IReadOnlyList<Received>> WaitForMessagesAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (Messages.Count < count)
        {
            await Task.Delay(20, timeout.Token);
        }
        return Messages.ToArray();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient tcp;
            try
            {
                tcp = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var number = Interlocked.Increment(ref connections);
            _ = Task.Run(() => ServeAsync(tcp, number));
        }
    }

    private async Task ServeAsync(TcpClient tcp, int number)
    {
        using var _ = tcp;
        try
        {
            Stream stream = tcp.GetStream();
            if (ImplicitTls)
            {
                stream = await SecureAsync(stream);
            }
            var (reader, writer) = Open(stream);
            var encrypted = ImplicitTls;
            string? user = null;
            string? from = null;
            var to = new List<string>();
            await writer.WriteLineAsync("220 127.0.0.1 ESMTP test server");
            while (await reader.ReadLineAsync(stopping.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        var capabilities = new List<string> { "127.0.0.1", "8BITMIME" };
                        if (StartTls && !encrypted)
                        {
                            capabilities.Add("STARTTLS");
                        }
                        if (Credentials is not null)
                        {
                            capabilities.Add("AUTH PLAIN");
                        }
                        for (var i = 0; i < capabilities.Count; i++)
                        {
                            await writer.WriteLineAsync($"250{(i == capabilities.Count - 1 ? ' ' : '-')}{capabilities[i]}");
                        }
                        break;
                    case "STARTTLS":
                        await writer.WriteLineAsync("220 go ahead");
                        stream = await SecureAsync(stream);
                        (reader, writer) = Open(stream);
                        encrypted = true;
                        break;
                    case "AUTH":
                        var parts = line.Split(' ');
                        var response = parts.Length > 2 ? parts[2] : null;
                        if (response is null)
                        {
                            await writer.WriteLineAsync("334 ");
                            response = await reader.ReadLineAsync(stopping.Token) ?? "";
                        }
                        var fields = Encoding.UTF8.GetString(Convert.FromBase64String(response)).Split('\0');
                        if (Credentials is { } expected && fields.Length == 3 && fields[1] == expected.User && fields[2] == expected.Password)
                        {
                            user = fields[1];
                            await writer.WriteLineAsync("235 2.7.0 authenticated");
                        }
                        else
                        {
                            await writer.WriteLineAsync("535 5.7.8 authentication credentials invalid");
                        }
                        break;
                    case "MAIL" when Credentials is not null && user is null:
                        await writer.WriteLineAsync("530 5.7.0 authentication required");
                        break;
                    case "MAIL":
                        from = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                        to.Clear();
                        await writer.WriteLineAsync("250 ok");
                        break;
                    case "RCPT":
                        to.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
                        await writer.WriteLineAsync("250 ok");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(stopping.Token) is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine).Append("\r\n");
                        }
                        Messages.Enqueue(new Received(number, encrypted, user, from ?? "", to.ToArray(), data.ToString()));
                        if (DropBeforeAccepting?.Invoke(Messages.Count) == true)
                        {
                            return;
                        }
                        await writer.WriteLineAsync("250 queued");
                        if (DropAfterEachMessage)
                        {
                            return;
                        }
                        break;
                    case "QUIT":
                        Interlocked.Increment(ref quits);
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // The client went away; nothing to record.
        }
    }

    private static async Task<Stream> SecureAsync(Stream stream)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsServerAsync(Certificate);
        return ssl;
    }

    private static (StreamReader, StreamWriter) Open(Stream stream) =>
        (new StreamReader(stream, Encoding.UTF8, false, 1024, leaveOpen: true),
         new StreamWriter(stream, new UTF8Encoding(false), 1024, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true });

    private static X509Certificate2 MakeCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Re-import so the private key is usable by SslStream on Linux.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        stopping.Cancel();
        listener.Stop();
        stopping.Dispose();
    }
}
