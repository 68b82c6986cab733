using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Dashboard.Settings;

/// <summary>One attempt to send a delivery: the receiver's status code (or why there was none), the start of its answer, when.</summary>
public sealed record DeliveryAttempt(string DeliveryId, int Attempt, int? StatusCode, string? Error, string? ResponseExcerpt, int DurationMs, DateTime CreatedAt);

/// <summary>One delivery of an event to an endpoint, with its attempts (oldest first).</summary>
public sealed record DeliveryLogEntry(string Id, long Seq, string EventId, string EventType, string Status, int Attempts, DateTime CreatedAt, DateTime? DeliveredAt, string? ResendOf)
{
    public IReadOnlyList<DeliveryAttempt> AttemptLog { get; init; } = [];
}

/// <summary>A page of the log, newest first; <see cref="NextBefore"/> continues it (keyset on the delivery's sequence).</summary>
public sealed record DeliveryLogPage(IReadOnlyList<DeliveryLogEntry> Entries, long? NextBefore);

public abstract record ResendOutcome
{
    public sealed record Queued(string DeliveryId) : ResendOutcome;

    public sealed record NotFound : ResendOutcome;
}

/// <summary>
/// An endpoint's delivery log for the dashboard, and <b>Resend</b>: a new pending delivery of the same event
/// to the same endpoint, which the webhook worker (<see cref="Webhooks.WebhookDispatcher"/>) sends like any
/// other — same envelope, same <c>webhook-id</c> (receivers de-duplicate on it), signed with the current secret.
/// A resend carries the click's idempotency key, so sending the form twice queues it once.
/// </summary>
public sealed class WebhookDeliveryLog(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int PageSize = 20;

    public async Task<DeliveryLogPage> PageAsync(Tenant tenant, string endpointId, long? before, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var entries = (await connection.QueryAsync<DeliveryLogEntry>(new CommandDefinition("""
            SELECT d.id, d.seq, d.event_id, ev.type AS event_type, d.status, d.attempts, d.created_at, d.delivered_at, d.resend_of
            FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
            WHERE d.endpoint_id = @endpointId AND d.business_id = @businessId AND d.mode = @mode AND (@before::bigint IS NULL OR d.seq < @before)
            ORDER BY d.seq DESC
            LIMIT @take
            """, new { endpointId, businessId = tenant.BusinessId, mode = tenant.ModeText, before, take = PageSize + 1 }, cancellationToken: cancellationToken))).AsList();
        var more = entries.Count > PageSize;
        if (more)
        {
            entries.RemoveAt(PageSize);
        }
        if (entries.Count == 0)
        {
            return new DeliveryLogPage([], null);
        }
        var attempts = (await connection.QueryAsync<DeliveryAttempt>(new CommandDefinition("""
            SELECT delivery_id, attempt, status_code, error, response_excerpt, duration_ms, created_at
            FROM webhook_delivery_attempts
            WHERE delivery_id = ANY (@ids) AND business_id = @businessId AND mode = @mode
            ORDER BY delivery_id, attempt
            """, new { ids = entries.Select(e => e.Id).ToArray(), businessId = tenant.BusinessId, mode = tenant.ModeText }, cancellationToken: cancellationToken)))
            .ToLookup(a => a.DeliveryId);
        return new DeliveryLogPage([.. entries.Select(e => e with { AttemptLog = [.. attempts[e.Id]] })], more ? entries[^1].Seq : null);
    }

    public async Task<ResendOutcome> ResendAsync(Tenant tenant, string endpointId, string deliveryId, string idempotencyKey, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var queued = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            INSERT INTO webhook_deliveries (id, business_id, mode, event_id, endpoint_id, next_attempt_at, created_at, resend_of, resend_key)
            SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), d.business_id, d.mode, d.event_id, d.endpoint_id, @now, @now, d.id, @key
            FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.deleted_at IS NULL
            WHERE d.id = @deliveryId AND d.endpoint_id = @endpointId AND d.business_id = @businessId AND d.mode = @mode
            ON CONFLICT (business_id, mode, resend_key) WHERE resend_key IS NOT NULL DO NOTHING
            RETURNING id
            """, new { deliveryId, endpointId, businessId = tenant.BusinessId, mode = tenant.ModeText, key = idempotencyKey, now }, cancellationToken: cancellationToken));
        if (queued is not null)
        {
            return new ResendOutcome.Queued(queued);
        }
        // The same click again: the resend it already queued.
        var earlier = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            SELECT id FROM webhook_deliveries
            WHERE business_id = @businessId AND mode = @mode AND resend_key = @key AND resend_of = @deliveryId
            """, new { businessId = tenant.BusinessId, mode = tenant.ModeText, key = idempotencyKey, deliveryId }, cancellationToken: cancellationToken));
        return earlier is null ? new ResendOutcome.NotFound() : new ResendOutcome.Queued(earlier);
    }
}
