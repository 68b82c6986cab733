using System.Net.Security;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Clientele.Platform.Email;

/// <summary>
/// Sends through an SMTP server with MailKit, as a plain-text + HTML message. One connection serves a
/// whole dispatcher batch (the dispatcher calls <see cref="CloseAsync"/> after each batch), with
/// implicit TLS or STARTTLS and authentication as <see cref="SmtpSettings"/> says.
/// </summary>
public sealed class SmtpTransport(
    string name,
    SmtpSettings settings,
    EmailOptions options,
    ILogger<SmtpTransport> logger,
    RemoteCertificateValidationCallback? certificateValidation = null) : IEmailTransport, IAsyncDisposable
{
    // MailKit's client is not thread-safe; one message at a time per transport (the dispatcher is sequential anyway).
    private readonly SemaphoreSlim gate = new(1, 1);
    private SmtpClient? client;

    public string Name => name;

    public bool KeepsBody => false;

    public async Task SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        var message = Build(email);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var reused = client is { IsConnected: true };
            try
            {
                await (await ConnectedAsync(cancellationToken)).SendAsync(message, cancellationToken);
            }
            catch (Exception ex) when (reused && ex is ServiceNotConnectedException or IOException or SmtpProtocolException)
            {
                // The server closed an idle connection we meant to reuse: the message never left, so open a fresh one.
                await DropAsync();
                await (await ConnectedAsync(cancellationToken)).SendAsync(message, cancellationToken);
            }
            logger.LogInformation("E-mail {EmailId} ({Kind}) sent through {Transport}", email.Id, email.Kind, name);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SmtpDeliveryException)
        {
            await DropAsync();
            // The server's reply or the socket error, never the message (it may hold a sign-in link).
            throw new SmtpDeliveryException($"SMTP {settings.Host}:{settings.Port}: {ex.GetType().Name}: {ex.Message}", ex);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Ends the connection politely (QUIT); the next message opens a new one.</summary>
    public async Task CloseAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (client is { IsConnected: true } open)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(settings.Timeout);
                    await open.DisconnectAsync(quit: true, timeout.Token);
                }
                catch (Exception ex) when (ex is IOException or SmtpProtocolException or OperationCanceledException or ServiceNotConnectedException)
                {
                    logger.LogDebug(ex, "SMTP {Transport}: QUIT failed; dropping the connection", name);
                }
            }
            await DropAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    private async Task<SmtpClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (client is { IsConnected: true } open)
        {
            return open;
        }
        client?.Dispose();
        var fresh = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        client = fresh;
        if (certificateValidation is not null)
        {
            fresh.ServerCertificateValidationCallback = certificateValidation;
        }
        await fresh.ConnectAsync(settings.Host, settings.Port, settings.EffectiveTls switch
        {
            SmtpTls.Implicit => SecureSocketOptions.SslOnConnect,
            SmtpTls.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        }, cancellationToken);
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            await fresh.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
        }
        return fresh;
    }

    private Task DropAsync()
    {
        client?.Dispose();
        client = null;
        return Task.CompletedTask;
    }

    /// <summary>The message's Message-ID: its outbox id at the sender's domain, the same on every attempt.</summary>
    private static string MessageIdFor(string emailId, string fromAddress) =>
        $"{emailId}@{fromAddress[(fromAddress.LastIndexOf('@') + 1)..]}";

    private MimeMessage Build(OutgoingEmail email)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(email.FromName ?? options.FromName, options.FromAddress));
        message.To.Add(MailboxAddress.Parse(email.Recipient));
        message.Subject = email.Subject;
        message.Headers.Add("X-Clientele-Email-Id", email.Id);
        // Delivery is at least once (EmailDispatcher): a message sent again after its sender died carries the
        // same Message-ID, so the receiving mailbox can recognise it as the one it already has.
        message.MessageId = MessageIdFor(email.Id, options.FromAddress);
        message.Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody }.ToMessageBody();
        return message;
    }
}

/// <summary>An SMTP send failed; the message names the server and its reply, never the e-mail.</summary>
public sealed class SmtpDeliveryException(string message, Exception inner) : Exception(message, inner);
