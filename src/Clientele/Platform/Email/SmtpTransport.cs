using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;

namespace Clientele.Platform.Email;

/// <summary>Sends through an SMTP server (System.Net.Mail) as a plain-text + HTML message.</summary>
public sealed class SmtpTransport(string name, SmtpSettings settings, EmailOptions options, ILogger<SmtpTransport> logger) : IEmailTransport
{
    public string Name => name;

    public bool KeepsBody => false;

    public async Task SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        using var message = new MailMessage
        {
            From = new MailAddress(options.FromAddress, email.FromName ?? options.FromName, Encoding.UTF8),
            Subject = email.Subject,
            SubjectEncoding = Encoding.UTF8,
            Body = email.TextBody,
            BodyEncoding = Encoding.UTF8,
            IsBodyHtml = false,
        };
        message.To.Add(new MailAddress(email.Recipient));
        message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(email.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html));
        message.Headers.Add("X-Clientele-Email-Id", email.Id);

        using var client = new SmtpClient(settings.Host, settings.Port)
        {
            EnableSsl = settings.EnableSsl,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)settings.Timeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            client.Credentials = new NetworkCredential(settings.UserName, settings.Password);
        }
        await client.SendMailAsync(message, cancellationToken);
        logger.LogInformation("E-mail {EmailId} ({Kind}) sent through {Transport}", email.Id, email.Kind, name);
    }
}
