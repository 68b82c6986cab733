using Clientele.Primitives;
using Microsoft.Extensions.Options;

namespace Clientele.Platform.Email;

/// <summary>Hands a message to the world (or keeps it for developers).</summary>
public interface IEmailTransport
{
    /// <summary>A short name stored on the row: <c>smtp</c>, <c>test_smtp</c> or <c>dev_mailbox</c>.</summary>
    string Name { get; }

    /// <summary>Whether the body is kept after delivery (the dev mailbox shows it; SMTP has no reason to).</summary>
    bool KeepsBody { get; }

    Task SendAsync(OutgoingEmail email, CancellationToken cancellationToken);
}

/// <summary>Chooses the transport per mode; test mode can never reach the live SMTP server.</summary>
public sealed class EmailTransportSelector(IOptions<EmailOptions> options, DevMailboxTransport devMailbox, ILoggerFactory loggers)
{
    private readonly IEmailTransport live = options.Value.Smtp is { IsConfigured: true } smtp
        ? new SmtpTransport("smtp", smtp, options.Value, loggers.CreateLogger<SmtpTransport>())
        : devMailbox;

    private readonly IEmailTransport test = options.Value.TestSmtp is { IsConfigured: true } testSmtp
        ? new SmtpTransport("test_smtp", testSmtp, options.Value, loggers.CreateLogger<SmtpTransport>())
        : devMailbox;

    public IEmailTransport For(Mode mode) => mode == Mode.Live ? live : test;

    /// <summary>Ends any SMTP connection held open for a batch (called after each dispatcher batch).</summary>
    public async Task CloseConnectionsAsync()
    {
        foreach (var transport in new[] { live, test }.OfType<SmtpTransport>().Distinct())
        {
            await transport.CloseAsync();
        }
    }
}

/// <summary>
/// Keeps mail in the outbox table for the Development-only <c>/dev/mail</c> page, so a first run
/// works without a mail server. The log line names the message, never its body or links.
/// </summary>
public sealed class DevMailboxTransport(ILogger<DevMailboxTransport> logger) : IEmailTransport
{
    public string Name => "dev_mailbox";

    public bool KeepsBody => true;

    public Task SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        logger.LogInformation("E-mail {EmailId} ({Kind}, {Mode}) for {Recipient} is in the dev mailbox (/dev/mail in Development)",
            email.Id, email.Kind, email.Mode.ToDb(), Mask(email.Recipient));
        return Task.CompletedTask;
    }

    /// <summary>Enough of an address to recognise it in a log, not enough to harvest it.</summary>
    public static string Mask(string address)
    {
        var at = address.LastIndexOf('@');
        return at <= 0 ? "***" : $"{address[0]}***{address[at..]}";
    }
}
