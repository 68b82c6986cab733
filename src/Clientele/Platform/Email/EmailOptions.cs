namespace Clientele.Platform.Email;

/// <summary>
/// E-mail settings (section <c>Email</c>). Without <see cref="Smtp"/> every message goes to the dev
/// mailbox. Test mode never uses <see cref="Smtp"/>: it goes to <see cref="TestSmtp"/> when set
/// (a sandbox such as a local mail catcher), otherwise to the dev mailbox.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>The sender address of every message.</summary>
    public string FromAddress { get; set; } = "portal@clientele.invalid";

    /// <summary>The sender name when a message does not name its business.</summary>
    public string FromName { get; set; } = "Clientele";

    public SmtpSettings? Smtp { get; set; }

    public SmtpSettings? TestSmtp { get; set; }

    /// <summary>How often the dispatcher looks for due mail when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the dev mailbox keeps a delivered body (longer than the longest link lifetime).</summary>
    public TimeSpan DevMailboxRetention { get; set; } = TimeSpan.FromHours(25);

    /// <summary>How long a row (without its body) stays for troubleshooting after it was sent or gave up.</summary>
    public TimeSpan RowRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Whether this process erases bodies and rows past their retention. Any one process doing it is
    /// enough; turn it off on a process whose clock is not the wall clock (a test server with a fake clock).
    /// </summary>
    public bool Housekeeping { get; set; } = true;
}

public sealed class SmtpSettings
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    /// <summary>Whether to encrypt at all; <see cref="Tls"/> says how (by default: implicit TLS on port 465, STARTTLS elsewhere).</summary>
    public bool EnableSsl { get; set; } = true;

    /// <summary><c>Auto</c> (the default), <c>StartTls</c>, <c>Implicit</c> (TLS on connect, port 465) or <c>None</c>.</summary>
    public SmtpTls Tls { get; set; } = SmtpTls.Auto;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    /// <summary>What <see cref="Tls"/> and <see cref="EnableSsl"/> amount to for this server.</summary>
    public SmtpTls EffectiveTls => Tls != SmtpTls.Auto ? Tls : !EnableSsl ? SmtpTls.None : Port == 465 ? SmtpTls.Implicit : SmtpTls.StartTls;
}

/// <summary>How the SMTP connection is encrypted. STARTTLS is required when chosen (no silent downgrade).</summary>
public enum SmtpTls
{
    Auto,
    StartTls,
    Implicit,
    None,
}

/// <summary>Refuses to start with a sender that is not an address, a bad SMTP port, or intervals that are not positive.</summary>
public sealed class EmailOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<EmailOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var checks = new Hosting.SettingChecks(EmailOptions.Section)
            .Positive(nameof(options.PollInterval), options.PollInterval)
            .Positive(nameof(options.DevMailboxRetention), options.DevMailboxRetention)
            .Positive(nameof(options.RowRetention), options.RowRetention);
        if (!System.Net.Mail.MailAddress.TryCreate(options.FromAddress, out var from) || from.Address != options.FromAddress.Trim() || from.DisplayName.Length > 0)
        {
            checks.Fail(nameof(options.FromAddress), $"must be a plain e-mail address (was '{options.FromAddress}')");
        }
        foreach (var (setting, smtp) in new[] { (nameof(options.Smtp), options.Smtp), (nameof(options.TestSmtp), options.TestSmtp) })
        {
            if (smtp is { IsConfigured: true })
            {
                checks.InRange($"{setting}:{nameof(smtp.Port)}", smtp.Port, 1, 65535)
                    .Positive($"{setting}:{nameof(smtp.Timeout)}", smtp.Timeout);
            }
        }
        return checks.Result;
    }
}
