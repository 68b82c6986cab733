using Clientele.Platform.Email;
using Clientele.Primitives;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Clientele.Tests.Platform;

/// <summary>The e-mail dispatcher as a running worker, on a database of its own.</summary>
public sealed class EmailWorkerTests
{
    private static EmailMessage Message(string to) => new("test_kind", to, "Hello", "text body", "<p>html body</p>", "en", "Sender Co");

    [Fact]
    public async Task A_message_whose_send_throws_does_not_stop_the_rest_of_its_batch()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ScratchDatabase.CreateAsync("mailw");
        var clock = TimeProvider.System;
        var protector = new EmailBodyProtector(new EphemeralDataProtectionProvider());
        using var signal = new EmailDispatchSignal();
        var outbox = new EmailOutbox(database.DataSource, protector, signal, clock);
        // Test-mode mail goes to an SMTP server that is not there, so its send throws; live mail goes to the dev mailbox.
        var options = Options.Create(new EmailOptions
        {
            TestSmtp = new SmtpSettings { Host = "127.0.0.1", Port = 1, EnableSsl = false, Timeout = TimeSpan.FromSeconds(2) },
            PollInterval = TimeSpan.FromMilliseconds(100),
        });
        var selector = new EmailTransportSelector(options, new DevMailboxTransport(NullLogger<DevMailboxTransport>.Instance), NullLoggerFactory.Instance);
        using var workers = WorkerTestKit.Status(clock);
        using var dispatcher = new EmailDispatcher(database.DataSource, selector, protector, signal, options, clock, workers.Status, NullLogger<EmailDispatcher>.Instance);

        // One transaction, so the failing message sits between the other two in one batch.
        string first, failing, last;
        await using (var connection = await database.DataSource.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            first = await outbox.EnqueueAsync(connection, transaction, new EmailScope(null, Mode.Live), Message("first@example.com"), ct);
            failing = await outbox.EnqueueAsync(connection, transaction, new EmailScope(null, Mode.Test), Message("failing@example.com"), ct);
            last = await outbox.EnqueueAsync(connection, transaction, new EmailScope(null, Mode.Live), Message("last@example.com"), ct);
            await transaction.CommitAsync(ct);
        }

        await dispatcher.StartAsync(ct);
        try
        {
            async Task<IReadOnlyList<OutboxRow>> ReadAsync()
            {
                await using var connection = await database.DataSource.OpenConnectionAsync(ct);
                return (await connection.QueryAsync<OutboxRow>(
                    "SELECT id, recipient, status, attempts, last_error AS lasterror, transport FROM email_outbox ORDER BY created_at, id")).AsList();
            }
            var rows = (await Mailbox.WaitForOutboxAsync(ReadAsync, rows => rows.All(r => r.Attempts >= 1), "every message tried once")).ToDictionary(r => r.Id);

            Assert.Equal(("sent", "dev_mailbox"), (rows[first].Status, rows[first].Transport));
            Assert.Equal(("sent", "dev_mailbox"), (rows[last].Status, rows[last].Transport));
            var failed = rows[failing];
            Assert.Equal(("pending", 1, "test_smtp"), (failed.Status, failed.Attempts, failed.Transport));
            Assert.False(string.IsNullOrEmpty(failed.LastError));
            // The message failed, not the pass: the worker records no error of its own.
            var status = workers.Status.Find(dispatcher.Name);
            Assert.NotNull(status);
            Assert.Null(status.LastError);
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_dispatcher_that_dies_mid_batch_leaves_only_the_message_in_flight_to_be_sent_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ScratchDatabase.CreateAsync("maild");
        var protector = new EmailBodyProtector(new EphemeralDataProtectionProvider());
        using var signal = new EmailDispatchSignal();
        var outbox = new EmailOutbox(database.DataSource, protector, signal, TimeProvider.System);
        // The process "dies" while the third message is on the wire: the server has it, the sender never hears back.
        using var death = new CancellationTokenSource();
        using var smtp = new SmtpTestServer(dropBeforeAccepting: received =>
        {
            if (received != 3)
            {
                return false;
            }
            death.Cancel();
            return true;
        });
        var options = Options.Create(new EmailOptions { TestSmtp = new SmtpSettings { Host = "127.0.0.1", Port = smtp.Port, Tls = SmtpTls.None, Timeout = TimeSpan.FromSeconds(5) } });
        var selector = new EmailTransportSelector(options, new DevMailboxTransport(NullLogger<DevMailboxTransport>.Instance), NullLoggerFactory.Instance);
        using var workers = WorkerTestKit.Status(TimeProvider.System);
        using var dispatcher = new EmailDispatcher(database.DataSource, selector, protector, signal, options, TimeProvider.System, workers.Status, NullLogger<EmailDispatcher>.Instance);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await outbox.EnqueueAsync(new EmailScope(null, Mode.Test), Message($"batch{i}@example.com"), ct));
        }

        await Assert.ThrowsAnyAsync<Exception>(() => dispatcher.DispatchDueAsync(death.Token));
        await using (var connection = await database.DataSource.OpenConnectionAsync(ct))
        {
            var statuses = (await connection.QueryAsync<string>("SELECT status FROM email_outbox ORDER BY status")).AsList();
            Assert.Equal(["pending", "pending", "pending", "sent", "sent"], statuses);
        }

        // Another process (or the next pass) sends what is left: the two sent before the death are not sent again.
        Assert.Equal(3, await dispatcher.DispatchDueAsync(ct));
        var received = smtp.Messages.Select(m => System.Text.RegularExpressions.Regex.Match(m.Data, @"X-Clientele-Email-Id: (\S+)").Groups[1].Value).ToList();
        Assert.Equal(6, received.Count);
        Assert.Equal(ids.Order(), received.Distinct().Order());
        var twice = Assert.Single(received.GroupBy(id => id), g => g.Count() > 1);
        Assert.Equal(received[2], twice.Key);
    }
}
