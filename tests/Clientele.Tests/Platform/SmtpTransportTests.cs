using Clientele.Platform.Email;
using Clientele.Primitives;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Clientele.Tests.Platform;

/// <summary>The MailKit transport against a real SMTP server on loopback.</summary>
public sealed class SmtpTransportTests
{
    private static OutgoingEmail Email(string id, string to = "someone@example.com") =>
        new(id, Mode.Test, "k", to, "Acme", "Olá, recibo", "plain body", "<p>html body</p>");

    private static SmtpTransport Transport(SmtpTestServer server, SmtpSettings settings) =>
        new("test_smtp", settings, new EmailOptions { FromAddress = "portal@clientele.test" }, NullLogger<SmtpTransport>.Instance, SmtpTestServer.TrustOnlyOurCertificate);

    [Fact]
    public async Task Smtp_transport_delivers_text_and_html_with_its_id_header()
    {
        using var server = new SmtpTestServer();
        await using var transport = Transport(server, new SmtpSettings { Host = "127.0.0.1", Port = server.Port, EnableSsl = false });
        await transport.SendAsync(Email("eml_1"), CancellationToken.None);

        var mail = Assert.Single(await server.WaitForMessagesAsync(1));
        Assert.Equal(["<someone@example.com>"], mail.To);
        Assert.Equal("<portal@clientele.test>", mail.From);
        Assert.Contains("X-Clientele-Email-Id: eml_1", mail.Data, StringComparison.Ordinal);
        Assert.Contains("Message-Id: <eml_1@clientele.test>", mail.Data, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("text/plain", mail.Data, StringComparison.Ordinal);
        Assert.Contains("text/html", mail.Data, StringComparison.Ordinal);
        Assert.False(mail.Encrypted);
    }

    [Fact]
    public async Task A_message_sent_again_carries_the_same_message_id_so_the_mailbox_can_collapse_it()
    {
        using var server = new SmtpTestServer();
        await using var transport = Transport(server, new SmtpSettings { Host = "127.0.0.1", Port = server.Port, EnableSsl = false });
        await transport.SendAsync(Email("eml_again"), CancellationToken.None);
        await transport.SendAsync(Email("eml_again"), CancellationToken.None);
        await transport.SendAsync(Email("eml_other"), CancellationToken.None);

        var ids = (await server.WaitForMessagesAsync(3))
            .Select(m => System.Text.RegularExpressions.Regex.Match(m.Data, @"^Message-Id: (\S+)\r?$", System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.IgnoreCase).Groups[1].Value)
            .ToList();
        Assert.Equal(["<eml_again@clientele.test>", "<eml_again@clientele.test>", "<eml_other@clientele.test>"], ids);
    }

    [Fact]
    public async Task A_batch_travels_over_one_connection_which_closes_with_quit_after_the_batch()
    {
        using var server = new SmtpTestServer();
        var options = Options.Create(new EmailOptions { TestSmtp = new SmtpSettings { Host = "127.0.0.1", Port = server.Port, EnableSsl = false } });
        var selector = new EmailTransportSelector(options, new DevMailboxTransport(NullLogger<DevMailboxTransport>.Instance), NullLoggerFactory.Instance);
        var transport = selector.For(Mode.Test);

        for (var i = 1; i <= 3; i++)
        {
            await transport.SendAsync(Email($"eml_batch_{i}"), CancellationToken.None);
        }
        await selector.CloseConnectionsAsync();
        await transport.SendAsync(Email("eml_next_batch"), CancellationToken.None);
        await selector.CloseConnectionsAsync();

        var messages = await server.WaitForMessagesAsync(4);
        Assert.Equal([1, 1, 1, 2], messages.Select(m => m.Connection));
        Assert.Equal(2, server.Connections);
        Assert.Equal(2, server.Quits);
    }

    [Fact]
    public async Task Starttls_comes_before_authentication_and_the_message()
    {
        using var server = new SmtpTestServer(startTls: true, credentials: ("mailer", "s3cret"));
        await using var transport = Transport(server, new SmtpSettings { Host = "127.0.0.1", Port = server.Port, UserName = "mailer", Password = "s3cret" });
        await transport.SendAsync(Email("eml_tls"), CancellationToken.None);

        var mail = Assert.Single(await server.WaitForMessagesAsync(1));
        Assert.True(mail.Encrypted);
        Assert.Equal("mailer", mail.User);
    }

    [Fact]
    public async Task Implicit_tls_on_connect_delivers_when_configured()
    {
        using var server = new SmtpTestServer(implicitTls: true, credentials: ("mailer", "s3cret"));
        await using var transport = Transport(server, new SmtpSettings { Host = "127.0.0.1", Port = server.Port, Tls = SmtpTls.Implicit, UserName = "mailer", Password = "s3cret" });
        await transport.SendAsync(Email("eml_implicit"), CancellationToken.None);

        var mail = Assert.Single(await server.WaitForMessagesAsync(1));
        Assert.True(mail.Encrypted);
        Assert.Equal("mailer", mail.User);
    }

    [Fact]
    public async Task Starttls_is_required_when_asked_for_so_a_server_without_it_gets_nothing()
    {
        using var server = new SmtpTestServer(startTls: false);
        await using var transport = Transport(server, new SmtpSettings { Host = "127.0.0.1", Port = server.Port, Tls = SmtpTls.StartTls });
        var error = await Assert.ThrowsAsync<SmtpDeliveryException>(() => transport.SendAsync(Email("eml_plain"), CancellationToken.None));
        Assert.Contains($"127.0.0.1:{server.Port}", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task A_wrong_password_fails_the_send_without_naming_the_password()
    {
        using var server = new SmtpTestServer(startTls: true, credentials: ("mailer", "s3cret"));
        await using var transport = Transport(server, new SmtpSettings { Host = "127.0.0.1", Port = server.Port, UserName = "mailer", Password = "wrong-password" });
        var error = await Assert.ThrowsAsync<SmtpDeliveryException>(() => transport.SendAsync(Email("eml_auth"), CancellationToken.None));
        Assert.DoesNotContain("wrong-password", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task A_connection_the_server_dropped_is_reopened_for_the_next_message()
    {
        using var server = new SmtpTestServer(dropAfterEachMessage: true);
        await using var transport = Transport(server, new SmtpSettings { Host = "127.0.0.1", Port = server.Port, EnableSsl = false });
        await transport.SendAsync(Email("eml_a"), CancellationToken.None);
        await server.WaitForMessagesAsync(1);
        await transport.SendAsync(Email("eml_b"), CancellationToken.None);

        var messages = await server.WaitForMessagesAsync(2);
        Assert.Equal([1, 2], messages.Select(m => m.Connection));
    }
}
