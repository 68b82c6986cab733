using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Platform.Email;

/// <summary>
/// Queues e-mail. Pass the caller's connection and transaction to queue it atomically with the
/// change that caused it (nothing is sent if that transaction rolls back); without them it is
/// queued on its own. The dispatcher sends it shortly after.
/// </summary>
public sealed class EmailOutbox(NpgsqlDataSource dataSource, EmailBodyProtector protector, EmailDispatchSignal signal, TimeProvider clock)
{
    public async Task<string> EnqueueAsync(EmailScope scope, EmailMessage message, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var id = await EnqueueAsync(connection, null, scope, message, cancellationToken);
        signal.Wake();
        return id;
    }

    /// <summary>Queues inside the caller's transaction; call <see cref="EmailDispatchSignal.Wake"/> after commit for prompt delivery.</summary>
    public async Task<string> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, EmailScope scope, EmailMessage message, CancellationToken cancellationToken)
    {
        var id = Ids.New(Ids.Email);
        var now = clock.GetUtcNow().UtcDateTime;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO email_outbox (id, business_id, mode, kind, recipient, from_name, culture, subject, protected_body, next_attempt_at, created_at)
            VALUES (@id, @businessId, @mode, @kind, @recipient, @fromName, @culture, @subject, @body, @now, @now)
            """,
            new
            {
                id,
                businessId = scope.BusinessId,
                mode = scope.Mode.ToDb(),
                kind = message.Kind,
                recipient = message.Recipient,
                fromName = message.FromName,
                culture = message.Culture,
                subject = message.Subject,
                body = protector.Protect(message.TextBody, message.HtmlBody),
                now,
            },
            transaction, cancellationToken: cancellationToken));
        return id;
    }

    /// <summary>Queues several messages of one scope inside the caller's transaction, in one statement.</summary>
    public async Task EnqueueManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EmailScope scope, IReadOnlyList<EmailMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO email_outbox (id, business_id, mode, kind, recipient, from_name, culture, subject, protected_body, next_attempt_at, created_at)
            SELECT m.id, @businessId, @mode, m.kind, m.recipient, m.from_name, m.culture, m.subject, m.body, @now, @now
            FROM unnest(@ids::text[], @kinds::text[], @recipients::text[], @fromNames::text[], @cultures::text[], @subjects::text[], @bodies::bytea[])
                WITH ORDINALITY AS m(id, kind, recipient, from_name, culture, subject, body, position)
            ORDER BY m.position
            """,
            new
            {
                ids = messages.Select(_ => Ids.New(Ids.Email)).ToArray(),
                businessId = scope.BusinessId,
                mode = scope.Mode.ToDb(),
                kinds = messages.Select(m => m.Kind).ToArray(),
                recipients = messages.Select(m => m.Recipient).ToArray(),
                fromNames = messages.Select(m => m.FromName).ToArray(),
                cultures = messages.Select(m => m.Culture).ToArray(),
                subjects = messages.Select(m => m.Subject).ToArray(),
                bodies = messages.Select(m => protector.Protect(m.TextBody, m.HtmlBody)).ToArray(),
                now = clock.GetUtcNow().UtcDateTime,
            },
            transaction, cancellationToken: cancellationToken));
    }
}

/// <summary>Wakes the dispatcher in this process when mail was queued (others find it by polling).</summary>
public sealed class EmailDispatchSignal : IDisposable
{
    private readonly SemaphoreSlim semaphore = new(0, 1);

    public void Wake()
    {
        if (semaphore.CurrentCount == 0)
        {
            try
            {
                semaphore.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled by a concurrent caller; one wake-up is enough.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose() => semaphore.Dispose();
}
