using System.Net;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Platform.Audit;

public sealed record NewAuditEntry(AuditActor Actor, string Action, string? ObjectId, int Status, IPAddress? Ip);

public sealed record AuditEntry(long Id, string ActorKind, string ActorId, string ActorLabel, string Action, string? ObjectId, int Status, string? Ip, DateTime At);

/// <summary>What the audit page filters by; every part optional. <see cref="Before"/> is the keyset cursor (an entry id).</summary>
public sealed record AuditQuery(string? ActorKind = null, string? ActorId = null, string? ObjectId = null, string? Action = null, DateTime? From = null, DateTime? To = null, long? Before = null);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? Next);

/// <summary>The audit log's store: append (from <see cref="AuditTrailMiddleware"/>) and read a tenant's entries newest first.</summary>
public sealed class AuditLog(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int PageSize = 50;

    public async Task AppendAsync(NewAuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The record follows a change that is already committed and answered, and a crash between the two
        // loses it anyway: its commit need not wait for the WAL flush (a second flush per API write cost about a
        // third of the wallet debits' throughput). A crash may lose the last fraction of a second of records.
        await connection.ExecuteAsync(new CommandDefinition("""
            SET LOCAL synchronous_commit = off;
            INSERT INTO audit_log (business_id, mode, actor_kind, actor_id, actor_label, action, object_id, status, ip, at)
            VALUES (@businessId, @mode, @kind, @actorId, @label, @action, @objectId, @status, CAST(@ip AS inet), @at)
            """,
            new
            {
                businessId = entry.Actor.Tenant.BusinessId,
                mode = entry.Actor.Tenant.ModeText,
                kind = entry.Actor.KindText,
                actorId = entry.Actor.Id,
                label = Truncate(entry.Actor.Label, 320),
                action = Truncate(entry.Action, 300),
                objectId = entry.ObjectId is { } id ? Truncate(id, 128) : null,
                status = entry.Status,
                ip = entry.Ip?.ToString(),
                at = clock.GetUtcNow().UtcDateTime,
            }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>One page of the tenant's entries, newest first, and the cursor of the next (null on the last).</summary>
    public async Task<AuditPage> ReadAsync(Tenant tenant, AuditQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<AuditEntry>(new CommandDefinition("""
            SELECT id, actor_kind, actor_id, actor_label, action, object_id, status, host(ip) AS ip, at
            FROM audit_log
            WHERE business_id = @businessId AND mode = @mode
              AND (@actorKind::text IS NULL OR actor_kind = @actorKind)
              AND (@actorId::text IS NULL OR actor_id = @actorId)
              AND (@objectId::text IS NULL OR object_id = @objectId)
              AND (@action::text IS NULL OR action ILIKE '%' || @action || '%')
              AND (@from::timestamptz IS NULL OR at >= @from)
              AND (@to::timestamptz IS NULL OR at < @to)
              AND (@before::bigint IS NULL OR id < @before)
            ORDER BY id DESC
            LIMIT @limit
            """,
            new
            {
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                actorKind = query.ActorKind,
                actorId = query.ActorId,
                objectId = query.ObjectId,
                action = query.Action is { } a ? EscapeLike(a) : null,
                from = query.From,
                to = query.To,
                before = query.Before,
                limit = PageSize + 1,
            }, cancellationToken: cancellationToken))).ToList();
        var more = rows.Count > PageSize;
        if (more)
        {
            rows.RemoveAt(PageSize);
        }
        return new AuditPage(rows, more ? rows[^1].Id : null);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
