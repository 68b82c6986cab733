using System.Diagnostics.Metrics;
using System.Text.Json;

namespace Clientele.Platform.Telemetry;

/// <summary>
/// Business metrics, on the meter <c>Clientele.Business</c> (exported with every <c>Clientele.*</c>
/// meter when telemetry is on; with no listener a measurement costs next to nothing). Static so that
/// a call site needs one line and no new constructor parameter. Tags are small closed sets, never ids.
/// </summary>
public static class ClienteleMetrics
{
    public const string MeterName = "Clientele.Business";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> Renewals = Meter.CreateCounter<long>(
        "clientele.subscription.renewals", "{renewal}", "Subscription renewals by outcome (renewed, failed, pending, ended, recovered).");

    private static readonly Counter<long> Charges = Meter.CreateCounter<long>(
        "clientele.charges", "{charge}", "Charges by kind (renewal, plan_change, on_demand, dues) and outcome (succeeded, failed, pending).");

    private static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>(
        "clientele.webhook.deliveries", "{attempt}", "Webhook delivery attempts by outcome (succeeded, failed).");

    private static readonly Histogram<double> WebhookLag = Meter.CreateHistogram<double>(
        "clientele.webhook.delivery.lag", "s", "From the event to its successful delivery.");

    private static readonly Counter<long> EmailsSent = Meter.CreateCounter<long>(
        "clientele.email.sends", "{attempt}", "E-mail send attempts by transport and outcome (sent, failed).");

    private static readonly Counter<long> RateLimitRefusals = Meter.CreateCounter<long>(
        "clientele.rate_limit.refusals", "{request}", "Requests refused by a rate limit, by rule.");

    /// <summary>One subscription renewal's outcome (call from the renewal pass).</summary>
    public static void RecordRenewal(string outcome, long count = 1)
    {
        if (count > 0)
        {
            Renewals.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>Charges' outcome (call where a subscription or on-demand charge is settled).</summary>
    public static void RecordCharge(string kind, string outcome, long count = 1)
    {
        if (count > 0)
        {
            Charges.Add(count, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>One delivery attempt; on success, the lag from the event's <c>timestamp</c> (in its payload) to now.</summary>
    public static void RecordWebhookDelivery(bool succeeded, string payload, DateTimeOffset now)
    {
        WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed"));
        if (succeeded && WebhookLag.Enabled && EventTime(payload) is { } at)
        {
            WebhookLag.Record(Math.Max(0, (now - at).TotalSeconds));
        }
    }

    public static void RecordEmailSend(string transport, bool sent) =>
        EmailsSent.Add(1, new KeyValuePair<string, object?>("transport", transport), new KeyValuePair<string, object?>("outcome", sent ? "sent" : "failed"));

    public static void RecordRateLimitRefusal(string? rule) =>
        RateLimitRefusals.Add(1, new KeyValuePair<string, object?>("rule", rule ?? "unknown"));

    private static DateTimeOffset? EventTime(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.TryGetProperty("timestamp", out var timestamp) && timestamp.TryGetDateTimeOffset(out var at) ? at : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
