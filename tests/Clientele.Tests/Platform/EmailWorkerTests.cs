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
}
