using Dapper;
using Npgsql;

namespace Clientele.Platform.Email;

public sealed record DevMail(string Id, string? BusinessId, string Mode, string Kind, string Recipient, string Subject, string TextBody, string HtmlBody, DateTime SentAt);

/// <summary>Reads what the dev mailbox delivered (Development only: the page that shows it exists only there).</summary>
public sealed class DevMailbox(NpgsqlDataSource dataSource, EmailBodyProtector protector)
{
    public async Task<IReadOnlyList<DevMail>> ListAsync(string? recipient, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Id, string? BusinessId, string Mode, string Kind, string Recipient, string Subject, byte[] ProtectedBody, DateTime SentAt)>(new CommandDefinition("""
            SELECT id, business_id, mode, kind, recipient, subject, protected_body, sent_at
            FROM email_outbox
            WHERE transport = 'dev_mailbox' AND status = 'sent' AND protected_body IS NOT NULL
              AND (@recipient::text IS NULL OR lower(recipient) = lower(@recipient))
            ORDER BY sent_at DESC, id DESC
            LIMIT @limit
            """, new { recipient, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(row =>
        {
            var (text, html) = protector.Unprotect(row.ProtectedBody);
            return new DevMail(row.Id, row.BusinessId, row.Mode, row.Kind, row.Recipient, row.Subject, text, html, row.SentAt);
        })];
    }
}
