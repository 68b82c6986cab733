using System.Text;
using Clientele.Platform.Email;
using Clientele.Platform.Security;
using Clientele.Primitives;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Tests.Platform;

public sealed class EmailOutboxTests(AppFixture app)
{
    private static EmailMessage Message(string to, string secret) =>
        new("test_kind", to, "Hello there", $"Your secret link: https://example.com/{secret}", $"<p>https://example.com/{secret}</p>", "en", "Sender Co");

    [Fact]
    public async Task Queued_mail_reaches_the_dev_mailbox_and_its_body_is_encrypted_at_rest()
    {
        var business = await app.CreateBusinessAsync();
        var to = $"outbox-{Guid.NewGuid():N}@example.com";
        var secret = Guid.NewGuid().ToString("N");
        var id = await app.Services.GetRequiredService<EmailOutbox>().EnqueueAsync(new EmailScope(business.Id, Mode.Test), Message(to, secret), CancellationToken.None);
        Assert.StartsWith("eml_", id, StringComparison.Ordinal);

        var mail = await Mailbox.WaitForAsync(app, to);
        Assert.Equal(id, mail.Id);
        Assert.Contains(secret, mail.TextBody, StringComparison.Ordinal);

        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var row = await connection.QuerySingleAsync<(string Status, string Transport, byte[] ProtectedBody, DateTime BodyPurgeAt, DateTime SentAt)>(
            "SELECT status, transport, protected_body, body_purge_at, sent_at FROM email_outbox WHERE id = @id", new { id });
        Assert.Equal(("sent", "dev_mailbox"), (row.Status, row.Transport));
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(row.ProtectedBody), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, Convert.ToBase64String(row.ProtectedBody), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromHours(25), row.BodyPurgeAt - row.SentAt);
    }

    [Fact]
    public async Task Mail_queued_in_a_rolled_back_transaction_is_never_sent()
    {
        var to = $"rollback-{Guid.NewGuid():N}@example.com";
        var outbox = app.Services.GetRequiredService<EmailOutbox>();
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await outbox.EnqueueAsync(connection, transaction, EmailScope.Platform, Message(to, "x"), CancellationToken.None);
            await transaction.RollbackAsync();
        }
        // The rollback is over: no row now means none will ever be sent.
        Assert.Empty(await Mailbox.OutboxAsync(to));
    }

    [Fact]
    public void Test_mode_never_uses_the_live_smtp_server()
    {
        var smtp = new SmtpSettings { Host = "smtp.example.com" };
        var dev = new DevMailboxTransport(NullLogger<DevMailboxTransport>.Instance);
        var liveOnly = new EmailTransportSelector(Options.Create(new EmailOptions { Smtp = smtp }), dev, NullLoggerFactory.Instance);
        Assert.Equal("smtp", liveOnly.For(Mode.Live).Name);
        Assert.Same(dev, liveOnly.For(Mode.Test));

        var withSandbox = new EmailTransportSelector(Options.Create(new EmailOptions { Smtp = smtp, TestSmtp = new SmtpSettings { Host = "127.0.0.1" } }), dev, NullLoggerFactory.Instance);
        Assert.Equal("test_smtp", withSandbox.For(Mode.Test).Name);

        var none = new EmailTransportSelector(Options.Create(new EmailOptions()), dev, NullLoggerFactory.Instance);
        Assert.Same(dev, none.For(Mode.Live));
    }

    [Fact]
    public async Task Failed_sends_retry_with_backoff_then_give_up_and_erase_the_body()
    {
        // Its own database, so only this dispatcher (with a failing transport) sees the row.
        var database = $"clientele_mail_{Guid.NewGuid():N}"[..30];
        await using (var admin = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            await admin.ExecuteAsync($"CREATE DATABASE {database}");
        }
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(TestSettings.ConnectionString(database));
            await new Clientele.Platform.Data.Migrator(dataSource, NullLogger<Clientele.Platform.Data.Migrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
            var clock = new TestClock();
            var protector = new EmailBodyProtector(new EphemeralDataProtectionProvider());
            using var signal = new EmailDispatchSignal();
            var outbox = new EmailOutbox(dataSource, protector, signal, clock);
            var options = Options.Create(new EmailOptions { TestSmtp = new SmtpSettings { Host = "127.0.0.1", Port = 1, EnableSsl = false, Timeout = TimeSpan.FromSeconds(2) } });
            var selector = new EmailTransportSelector(options, new DevMailboxTransport(NullLogger<DevMailboxTransport>.Instance), NullLoggerFactory.Instance);
            using var workers = WorkerTestKit.Status(clock);
            using var dispatcher = new EmailDispatcher(dataSource, selector, protector, signal, options, clock, workers.Status, NullLogger<EmailDispatcher>.Instance);

            var id = await outbox.EnqueueAsync(new EmailScope(null, Mode.Test), Message("fail@example.com", "s"), CancellationToken.None);
            await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
            for (var attempt = 1; attempt <= EmailDispatcher.MaxAttempts; attempt++)
            {
                Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None));
                var row = await connection.QuerySingleAsync<(string Status, int Attempts, DateTime NextAttemptAt, string LastError, byte[]? ProtectedBody)>(
                    "SELECT status, attempts, next_attempt_at, last_error, protected_body FROM email_outbox WHERE id = @id", new { id });
                Assert.Equal(attempt, row.Attempts);
                Assert.Contains("Smtp", row.LastError, StringComparison.OrdinalIgnoreCase);
                if (attempt < EmailDispatcher.MaxAttempts)
                {
                    Assert.Equal("pending", row.Status);
                    Assert.InRange(row.NextAttemptAt - clock.GetUtcNow().UtcDateTime, EmailDispatcher.Backoff[attempt - 1] - TimeSpan.FromSeconds(5), EmailDispatcher.Backoff[attempt - 1]);
                    // Not due yet: nothing to do until the clock reaches the next attempt.
                    Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None));
                    clock.Advance(EmailDispatcher.Backoff[attempt - 1]);
                }
                else
                {
                    Assert.Equal("failed", row.Status);
                    Assert.Null(row.ProtectedBody);
                }
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ScratchDatabase.DropAsync(database);
        }
    }

    [Fact]
    public async Task A_body_this_process_cannot_decrypt_waits_for_a_process_that_can()
    {
        // Its own database, so only these two dispatchers see the row.
        await using var scratch = await ScratchDatabase.CreateAsync("mail");
        var dataSource = scratch.DataSource;
        var clock = new TestClock();
        // Two nodes whose key rings do not share a key (as two processes before one has loaded the other's key).
        var keyHolder = new EmailBodyProtector(new EphemeralDataProtectionProvider());
        var stranger = new EmailBodyProtector(new EphemeralDataProtectionProvider());
        using var signal = new EmailDispatchSignal();
        var options = Options.Create(new EmailOptions());
        var mailbox = new DevMailboxTransport(NullLogger<DevMailboxTransport>.Instance);
        var selector = new EmailTransportSelector(options, mailbox, NullLoggerFactory.Instance);
        using var workers = WorkerTestKit.Status(clock);
        using var strangerNode = new EmailDispatcher(dataSource, selector, stranger, signal, options, clock, workers.Status, NullLogger<EmailDispatcher>.Instance);
        using var keyHolderNode = new EmailDispatcher(dataSource, selector, keyHolder, signal, options, clock, workers.Status, NullLogger<EmailDispatcher>.Instance);

        var id = await new EmailOutbox(dataSource, keyHolder, signal, clock).EnqueueAsync(new EmailScope(null, Mode.Test), Message("keys@example.com", "s"), CancellationToken.None);
        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        async Task<(string Status, int Attempts, DateTime NextAttemptAt, string? LastError, byte[]? ProtectedBody)> RowAsync() =>
            await connection.QuerySingleAsync<(string, int, DateTime, string?, byte[]?)>(
                "SELECT status, attempts, next_attempt_at, last_error, protected_body FROM email_outbox WHERE id = @id", new { id });

        Assert.Equal(1, await strangerNode.DispatchDueAsync(CancellationToken.None));
        var row = await RowAsync();
        Assert.Equal(("pending", 1), (row.Status, row.Attempts));
        Assert.Contains("Cryptographic", row.LastError, StringComparison.Ordinal);
        Assert.NotNull(row.ProtectedBody);
        Assert.InRange(row.NextAttemptAt - clock.GetUtcNow().UtcDateTime, EmailDispatcher.Backoff[0] - TimeSpan.FromSeconds(5), EmailDispatcher.Backoff[0]);
        Assert.Equal(0, await keyHolderNode.DispatchDueAsync(CancellationToken.None)); // not due before its backoff

        clock.Advance(EmailDispatcher.Backoff[0]);
        Assert.Equal(1, await keyHolderNode.DispatchDueAsync(CancellationToken.None));
        row = await RowAsync();
        Assert.Equal(("sent", 2), (row.Status, row.Attempts));
    }

    [Fact]
    public async Task Data_protection_keys_live_in_postgres_and_are_shared_between_processes()
    {
        _ = app.Services;
        var secret = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("shared-test").Protect("across processes");

        // A second "process": its own service provider, the same database.
        var services = new ServiceCollection();
        services.AddSingleton(NpgsqlDataSource.Create(TestSettings.ConnectionString()));
        services.AddDataProtection().SetApplicationName("Clientele");
        // Every process needs the key-encryption key (here: the default file, as the server's) to read the ring.
        services.AddSingleton(ServerSecrets.Load(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()));
        services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>(sp =>
            new ConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlRepository = new PostgresXmlRepository(sp.GetRequiredService<NpgsqlDataSource>())));
        await using var other = services.BuildServiceProvider();
        Assert.Equal("across processes", other.GetRequiredService<IDataProtectionProvider>().CreateProtector("shared-test").Unprotect(secret));

        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.True(await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM data_protection_keys") >= 1);
    }
}
