using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Webhooks;

/// <summary>
/// Records an event in the caller's transaction, with one pending delivery per endpoint that wants
/// it. Committed together with the change it describes, or rolled back with it: no event without
/// its change, no change without its event.
/// </summary>
public sealed class WebhookOutbox(TimeProvider clock)
{
    /// <param name="payloadType">The reference's discriminator in <c>data.payload_type</c>, e.g. "Payment", "Subscription".</param>
    public async Task<string> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string type, string payloadType, object data, CancellationToken cancellationToken)
    {
        var draft = Draft(tenant, type, payloadType, data, clock.GetUtcNow().UtcDateTime);
        var parameters = new DynamicParameters();
        draft.AddParameters(parameters, tenant);
        await connection.ExecuteAsync(new CommandDefinition($"""
            WITH {WebhookDraft.Ctes("(SELECT 1) AS source", "@webhookPayload")}
            SELECT 1
            """, parameters, transaction, cancellationToken: cancellationToken));
        return draft.EventId;
    }

    /// <summary>
    /// Records one event of <paramref name="type"/> per item of <paramref name="data"/>, in that order (their
    /// <c>seq</c> and their deliveries' follow it), with one pending delivery per endpoint that wants them: one statement.
    /// </summary>
    public async Task EnqueueManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Tenant tenant, string type, string payloadType, IReadOnlyList<object> data, CancellationToken cancellationToken)
    {
        if (data.Count == 0)
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var drafts = data.Select(d => Draft(tenant, type, payloadType, d, now)).ToList();
        await connection.ExecuteAsync(new CommandDefinition("""
            WITH drafted AS (
                SELECT d.id, d.payload, d.customer_id, d.position
                FROM unnest(@ids::text[], @payloads::text[], @customerIds::text[]) WITH ORDINALITY AS d(id, payload, customer_id, position)
            ),
            webhook_event AS (
                INSERT INTO webhook_events (id, business_id, mode, type, payload, customer_id, created_at)
                SELECT d.id, @businessId, @mode, @type, d.payload, d.customer_id, @now FROM drafted d ORDER BY d.position
                RETURNING id
            )
            INSERT INTO webhook_deliveries (id, business_id, mode, event_id, endpoint_id, next_attempt_at, created_at)
            SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), e.business_id, e.mode, ev.id, e.id, @now, @now
            FROM webhook_event ev JOIN drafted d ON d.id = ev.id, webhook_endpoints e
            WHERE e.business_id = @businessId AND e.mode = @mode AND NOT e.disabled AND e.deleted_at IS NULL
              AND (cardinality(e.filter_types) = 0 OR @type = ANY (e.filter_types))
            ORDER BY d.position, e.id
            """,
            new
            {
                ids = drafts.Select(d => d.EventId).ToArray(),
                payloads = drafts.Select(d => d.Payload).ToArray(),
                customerIds = drafts.Select(d => d.CustomerId).ToArray(),
                businessId = tenant.BusinessId,
                mode = tenant.ModeText,
                type,
                now,
            }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// An event rendered but not yet written, for a change whose own statement writes it (<see cref="WebhookDraft.Ctes"/>),
    /// so the change and its event take one round trip. <paramref name="edit"/> may adjust <c>data</c> before it is frozen.
    /// </summary>
    public static WebhookDraft Draft(Tenant tenant, string type, string payloadType, object data, DateTime now, Action<JsonObject>? edit = null)
    {
        if (!WebhookEventTypes.All.Contains(type))
        {
            throw new ArgumentException($"Unknown webhook event type '{type}'.", nameof(type));
        }
        var dataNode = JsonSerializer.SerializeToNode(data, data.GetType(), ApiJson.Options) as JsonObject
            ?? throw new ArgumentException("Webhook data must serialize to a JSON object.", nameof(data));
        dataNode["payload_type"] = payloadType;
        if (dataNode["invoice_url"] is JsonValue invoiceUrl)
        {
            // No bearer token at rest: the dispatcher puts it back when it sends (DocumentAccess).
            dataNode["invoice_url"] = Invoices.DocumentAccess.WithoutToken(invoiceUrl.GetValue<string>());
        }
        edit?.Invoke(dataNode);
        var envelope = new JsonObject
        {
            ["business_id"] = tenant.BusinessId,
            ["type"] = type,
            ["timestamp"] = JsonSerializer.SerializeToNode(now, ApiJson.Options),
            ["data"] = dataNode,
        };
        return new WebhookDraft(Ids.New(Ids.WebhookEvent), type, envelope.ToJsonString(ApiJson.Options), CustomerOf(dataNode), now);
    }

    /// <summary>
    /// The customer the event is about, for the Activity readers, from the paths migration 0026 backfilled from:
    /// <c>data.customer.customer_id</c> (Payment, Subscription, Refund, Dispute), else <c>data.customer_id</c>
    /// (LicenseKey, CreditLedgerEntry); null if neither.
    /// </summary>
    private static string? CustomerOf(JsonObject data) =>
        data["customer"] is JsonObject customer && customer["customer_id"] is JsonValue nested && nested.TryGetValue<string>(out var id) ? id
        : data["customer_id"] is JsonValue flat && flat.TryGetValue<string>(out var flatId) ? flatId
        : null;
}

/// <summary>An event's row, ready to insert: its id, type, exact envelope text, the customer it is about and time.</summary>
public sealed record WebhookDraft(string EventId, string Type, string Payload, string? CustomerId, DateTime CreatedAt)
{
    /// <summary>
    /// Two CTEs (<c>webhook_event</c>, <c>webhook_delivery</c>) that write the event, and one pending delivery per
    /// endpoint that wants it, once per row of <paramref name="source"/> (a CTE or table expression yielding
    /// one row when the change happened, none when it was refused). <paramref name="payload"/> is the SQL of
    /// the envelope text, <c>@webhookPayload</c> or an expression over it and the source that leaves the customer as it is
    /// (the event's <c>customer_id</c> is the draft's).
    /// Parameters: <see cref="AddParameters"/>, plus <c>@businessId</c> and <c>@mode</c>.
    /// </summary>
    public static string Ctes(string source, string payload) => $"""
        webhook_event AS (
            INSERT INTO webhook_events (id, business_id, mode, type, payload, customer_id, created_at)
            SELECT @webhookEventId, @businessId, @mode, @webhookType, {payload}, @webhookCustomerId, @webhookNow
            FROM {source}
            RETURNING id
        ),
        webhook_delivery AS (
            INSERT INTO webhook_deliveries (id, business_id, mode, event_id, endpoint_id, next_attempt_at, created_at)
            SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), e.business_id, e.mode, ev.id, e.id, @webhookNow, @webhookNow
            FROM webhook_event ev, webhook_endpoints e
            WHERE e.business_id = @businessId AND e.mode = @mode AND NOT e.disabled AND e.deleted_at IS NULL
              AND (cardinality(e.filter_types) = 0 OR @webhookType = ANY (e.filter_types))
        )
        """;

    public void AddParameters(DynamicParameters parameters, Tenant tenant)
    {
        parameters.Add("webhookEventId", EventId);
        parameters.Add("webhookType", Type);
        parameters.Add("webhookPayload", Payload);
        parameters.Add("webhookCustomerId", CustomerId, System.Data.DbType.String);
        parameters.Add("webhookNow", CreatedAt);
        parameters.Add("businessId", tenant.BusinessId);
        parameters.Add("mode", tenant.ModeText);
    }
}
