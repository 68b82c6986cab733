using Clientele.Platform.Jobs;
using Clientele.Platform.Telemetry;
using Clientele.Primitives;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Platform.Email;

/// <summary>
/// Sends queued e-mail. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so any number of server
/// processes can run this side by side and each message is handled by one of them; a message whose
/// sender dies mid-way is picked up again (delivery is at least once: only that message, as each one's
/// outcome is committed as soon as it is known). Failures retry with backoff.
/// </summary>
public sealed class EmailDispatcher(
    NpgsqlDataSource dataSource,
    EmailTransportSelector transports,
    EmailBodyProtector protector,
    EmailDispatchSignal signal,
    IOptions<EmailOptions> options,
    TimeProvider clock,
    WorkerStatus status,
    ILogger<EmailDispatcher> logger) : PollingWorker(status)
{
    public const int BatchSize = 20;

    /// <summary>Waits after the 1st, 2nd, … failed attempt; after the last one the message is given up.</summary>
    public static IReadOnlyList<TimeSpan> Backoff { get; } =
        [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)];

    public static int MaxAttempts => Backoff.Count + 1;

    private DateTimeOffset nextHousekeeping = DateTimeOffset.MinValue;

    public override string Name => "email";

    protected override TimeSpan IdleDelay => options.Value.PollInterval;

    /// <summary>Mail queued in this process wakes the dispatcher at once; other processes' mail is found by polling.</summary>
    protected override Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) => signal.WaitAsync(delay, cancellationToken);

    protected override async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        var handled = await DispatchDueAsync(cancellationToken);
        if (options.Value.Housekeeping && clock.GetUtcNow() >= nextHousekeeping)
        {
            await PurgeAsync(cancellationToken);
            nextHousekeeping = clock.GetUtcNow().AddMinutes(1);
        }
        return handled;
    }

    /// <summary>Sends up to one batch of due messages; returns how many were handled.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var handled = 0;
        while (handled < BatchSize && await DispatchNextAsync(connection, cancellationToken))
        {
            handled++;
        }
        await transports.CloseConnectionsAsync(); // one SMTP connection per batch
        return handled;
    }

    /// <summary>
    /// Claims, sends and records one message in a transaction of its own, so a process that dies mid-batch
    /// leaves only the message it was sending to be sent again, never the ones it had already sent.
    /// </summary>
    private async Task<bool> DispatchNextAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var row = await connection.QuerySingleOrDefaultAsync<DueRow>(new CommandDefinition("""
            SELECT id, mode, kind, recipient, from_name, subject, protected_body, attempts
            FROM email_outbox
            WHERE status = 'pending' AND next_attempt_at <= @now
            ORDER BY next_attempt_at
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """, new { now }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return false;
        }

        var attempts = row.Attempts + 1;
        IEmailTransport? transport = null;
        try
        {
            var mode = ModeText.Parse(row.Mode);
            transport = transports.For(mode);
            if (row.ProtectedBody is null)
            {
                throw new InvalidDataException("The body was erased before the message was sent.");
            }
            var (text, html) = protector.Unprotect(row.ProtectedBody);
            await transport.SendAsync(new OutgoingEmail(row.Id, mode, row.Kind, row.Recipient, row.FromName, row.Subject, text, html), cancellationToken);
            var sentAt = clock.GetUtcNow().UtcDateTime;
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE email_outbox SET status = 'sent', transport = @transport, attempts = @attempts, sent_at = @sentAt, last_error = NULL,
                    protected_body = CASE WHEN @keep THEN protected_body END,
                    body_purge_at = CASE WHEN @keep THEN @purgeAt END
                WHERE id = @id
                """,
                new { row.Id, transport = transport.Name, attempts, sentAt, keep = transport.KeepsBody, purgeAt = sentAt + options.Value.DevMailboxRetention },
                transaction, cancellationToken: cancellationToken));
            ClienteleMetrics.RecordEmailSend(transport.Name, sent: true);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever one message throws is its own failure; the rest of the batch goes on.
            await RecordFailureAsync(connection, transaction, row, transport?.Name, attempts, ex, cancellationToken);
            ClienteleMetrics.RecordEmailSend(transport?.Name ?? "unknown", sent: false);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task RecordFailureAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DueRow row, string? transport, int attempts, Exception ex, CancellationToken cancellationToken)
    {
        // A body erased before sending never comes back. Everything else may pass later, including a body this process
        // cannot decrypt: another node may hold the key it was protected with (any node's dispatcher can claim the row
        // next time), or this one may load it when its key ring refreshes. Only after the last attempt is it given up.
        var giveUp = attempts >= MaxAttempts || ex is InvalidDataException;
        var next = giveUp ? clock.GetUtcNow().UtcDateTime : clock.GetUtcNow().UtcDateTime + Backoff[attempts - 1];
        // Exception messages from SMTP name the server's reply, never the body; keep them short anyway.
        var error = $"{ex.GetType().Name}: {ex.Message}";
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE email_outbox SET attempts = @attempts, next_attempt_at = @next, last_error = @error, transport = @transport,
                status = CASE WHEN @giveUp THEN 'failed' ELSE 'pending' END,
                protected_body = CASE WHEN @giveUp THEN NULL ELSE protected_body END
            WHERE id = @id
            """,
            new { row.Id, attempts, next, error = error[..Math.Min(error.Length, 500)], transport, giveUp },
            transaction, cancellationToken: cancellationToken));
        if (giveUp)
        {
            logger.LogError("E-mail {EmailId} ({Kind}) gave up after {Attempts} attempts: {Error}", row.Id, row.Kind, attempts, ex.GetType().Name);
        }
        else
        {
            logger.LogWarning("E-mail {EmailId} ({Kind}) attempt {Attempts} failed ({Error}); next try at {NextAttempt}", row.Id, row.Kind, attempts, ex.GetType().Name, next);
        }
    }

    /// <summary>Erases bodies past their retention and forgets old rows.</summary>
    public async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE email_outbox SET protected_body = NULL WHERE protected_body IS NOT NULL AND body_purge_at <= @now;
            DELETE FROM email_outbox WHERE status <> 'pending' AND created_at < @forgetBefore;
            """, new { now, forgetBefore = now - options.Value.RowRetention }, cancellationToken: cancellationToken));
    }

    private sealed record DueRow(string Id, string Mode, string Kind, string Recipient, string? FromName, string Subject, byte[]? ProtectedBody, int Attempts);
}
