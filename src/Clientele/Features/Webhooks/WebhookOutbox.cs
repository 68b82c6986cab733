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
        if (!WebhookEventTypes.All.Contains(type))
        {
            throw new ArgumentException($"Unknown webhook event type '{type}'.", nameof(type));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var dataNode = JsonSerializer.SerializeToNode(data, data.GetType(), ApiJson.Options) as JsonObject
            ?? throw new ArgumentException("Webhook data must serialize to a JSON object.", nameof(data));
        dataNode["payload_type"] = payloadType;
        if (dataNode["invoice_url"] is JsonValue invoiceUrl)
        {
            // No bearer token at rest: the dispatcher puts it back when it sends (DocumentAccess).
            dataNode["invoice_url"] = Invoices.DocumentAccess.WithoutToken(invoiceUrl.GetValue<string>());
        }
        var envelope = new JsonObject
        {
            ["business_id"] = tenant.BusinessId,
            ["type"] = type,
            ["timestamp"] = JsonSerializer.SerializeToNode(now, ApiJson.Options),
            ["data"] = dataNode,
        };

        var eventId = Ids.New(Ids.WebhookEvent);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO webhook_events (id, business_id, mode, type, payload, created_at)
            VALUES (@eventId, @businessId, @mode, @type, @payload, @now);

            INSERT INTO webhook_deliveries (id, business_id, mode, event_id, endpoint_id, next_attempt_at, created_at)
            SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), e.business_id, e.mode, @eventId, e.id, @now, @now
            FROM webhook_endpoints e
            WHERE e.business_id = @businessId AND e.mode = @mode AND NOT e.disabled AND e.deleted_at IS NULL
              AND (cardinality(e.filter_types) = 0 OR @type = ANY (e.filter_types));
            """,
            new { eventId, businessId = tenant.BusinessId, mode = tenant.ModeText, type, payload = envelope.ToJsonString(ApiJson.Options), now },
            transaction, cancellationToken: cancellationToken));
        return eventId;
    }
}
