using System.Diagnostics;
using System.Text;
using Clientele.Platform.Jobs;
using Clientele.Platform.Security;
using Clientele.Platform.Telemetry;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Webhooks;

/// <summary>
/// Delivers pending webhook deliveries. Any number of server processes may run it: each claims a
/// batch with <c>FOR UPDATE SKIP LOCKED</c> and a time-limited claim, sends, then records the outcome
/// only if its claim still stands. A process that dies mid-delivery leaves the claim to lapse, and
/// the delivery is sent again (at-least-once; receivers de-duplicate on <c>webhook-id</c>).
/// </summary>
public sealed class WebhookDispatcher(
    NpgsqlDataSource dataSource,
    WebhookEndpointStore endpoints,
    IHttpClientFactory httpClients,
    RateLimiter rateLimiter,
    TimeProvider clock,
    IOptions<WebhookOptions> options,
    WorkerStatus status,
    ILogger<WebhookDispatcher> logger) : PollingWorker(status)
{
    public const string HttpClientName = "webhooks";

    private sealed record Claim(string Id, string BusinessId, string Mode, string EventId, string EndpointId, int Attempts, DateTime LockedUntil);

    /// <summary>How much of the receiver's answer the delivery log keeps.</summary>
    public const int ResponseExcerptLength = 500;

    private sealed record Outcome(int? StatusCode, string? Error, int DurationMs, string? ResponseExcerpt = null)
    {
        public bool Succeeded => StatusCode is >= 200 and < 300;
    }

    /// <summary>Deliveries sent at once (each borrows one connection to record its attempt).</summary>
    private const int Parallelism = 8;

    public override string Name => "webhooks";

    protected override int ConnectionsPerPass => Parallelism;

    protected override TimeSpan IdleDelay => options.Value.PollInterval;

    protected override bool Enabled => options.Value.DispatcherEnabled;

    protected override Task<int> RunPassAsync(CancellationToken cancellationToken) => DeliverDueAsync(cancellationToken);

    /// <summary>One pass: claim what is due, send it, record the outcomes. Returns how many were claimed.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var claims = await ClaimDueAsync(cancellationToken);
        if (claims.Count == 0)
        {
            return 0;
        }
        Dictionary<string, string> payloads;
        Dictionary<string, WebhookEndpointRow> targets;
        // Returned to the pool before the deliveries start: each of them borrows its own.
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            payloads = (await connection.QueryAsync<(string Id, string Payload)>(new CommandDefinition(
                "SELECT id, payload FROM webhook_events WHERE id = ANY (@ids)", new { ids = claims.Select(c => c.EventId).Distinct().ToArray() }, cancellationToken: cancellationToken)))
                .ToDictionary(e => e.Id, e => e.Payload);
            targets = (await connection.QueryAsync<WebhookEndpointRow>(new CommandDefinition(
                $"SELECT {WebhookEndpointRow.Columns} FROM webhook_endpoints WHERE id = ANY (@ids)", new { ids = claims.Select(c => c.EndpointId).Distinct().ToArray() }, cancellationToken: cancellationToken)))
                .ToDictionary(e => e.Id);
        }

        await Parallel.ForEachAsync(claims, new ParallelOptions { MaxDegreeOfParallelism = Connections.Clamp(Parallelism), CancellationToken = cancellationToken },
            (claim, token) => DeliverOneAsync(claim, targets[claim.EndpointId], payloads[claim.EventId], token));
        return claims.Count;
    }

    /// <summary>
    /// One delivery, isolated from the rest of its batch: whatever it throws (an endpoint secret that
    /// no longer decrypts, a database hiccup) is logged and counted as a failed attempt, so it follows
    /// the retry schedule; if even that cannot be recorded, its claim lapses and it is tried again.
    /// </summary>
    private async ValueTask DeliverOneAsync(Claim claim, WebhookEndpointRow endpoint, string payload, CancellationToken cancellationToken)
    {
        try
        {
            if (await DeferredByRateLimitAsync(claim, endpoint, cancellationToken))
            {
                return;
            }
            var outcome = await SendAsync(endpoint, claim.EventId, payload, cancellationToken);
            await RecordAsync(claim, outcome, cancellationToken);
            ClienteleMetrics.RecordWebhookDelivery(outcome.Succeeded, payload, clock.GetUtcNow());
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Webhook delivery {DeliveryId} (event {EventId}, endpoint {EndpointId}) failed inside the worker", claim.Id, claim.EventId, claim.EndpointId);
            try
            {
                await RecordAsync(claim, new Outcome(null, $"internal error ({ex.GetType().Name})", 0), cancellationToken);
            }
            catch (Exception recordError) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogError(recordError, "Webhook delivery {DeliveryId}: the failure could not be recorded; its claim will lapse", claim.Id);
            }
        }
    }

    private async Task<List<Claim>> ClaimDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var claims = await connection.QueryAsync<Claim>(new CommandDefinition("""
            WITH due AS (
                SELECT d.id FROM webhook_deliveries d
                JOIN webhook_endpoints e ON e.id = d.endpoint_id
                WHERE d.status = 'pending' AND d.next_attempt_at <= @now
                  AND (d.locked_until IS NULL OR d.locked_until <= @now)
                  AND NOT e.disabled AND e.deleted_at IS NULL
                ORDER BY d.next_attempt_at, d.seq
                LIMIT @batch
                FOR UPDATE OF d SKIP LOCKED)
            UPDATE webhook_deliveries d SET locked_until = @lockedUntil, attempts = d.attempts + 1
            FROM due WHERE d.id = due.id
            RETURNING d.id, d.business_id, d.mode, d.event_id, d.endpoint_id, d.attempts, d.locked_until
            """,
            new { now, lockedUntil = now + options.Value.ClaimDuration, batch = options.Value.BatchSize }, cancellationToken: cancellationToken));
        return claims.AsList();
    }

    /// <summary>
    /// An endpoint's <c>rate_limit</c> is deliveries per second (null or 0: no limit), counted in fixed
    /// one-second windows in PostgreSQL so every server process shares it. Over it, the claim is given
    /// back without using up an attempt, and the delivery (with the endpoint's other due ones, so a
    /// backlog does not spin the worker) waits for the next window.
    /// </summary>
    private async Task<bool> DeferredByRateLimitAsync(Claim claim, WebhookEndpointRow endpoint, CancellationToken cancellationToken)
    {
        if (endpoint.RateLimit is not { } limit || limit <= 0)
        {
            return false;
        }
        // Hex, because the limiter compares subjects case-insensitively and ids are case-sensitive.
        var subject = Convert.ToHexString(Encoding.UTF8.GetBytes(endpoint.Id));
        var decision = await rateLimiter.HitAsync([new RateLimitHit(new RateLimitRule("webhook-endpoint", limit, TimeSpan.FromSeconds(1)), subject)], cancellationToken);
        if (decision.Allowed)
        {
            return false;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE webhook_deliveries SET locked_until = NULL, attempts = attempts - 1, next_attempt_at = @next
            WHERE id = @id AND locked_until = @lockedUntil;
            UPDATE webhook_deliveries SET next_attempt_at = @next
            WHERE endpoint_id = @endpointId AND status = 'pending' AND next_attempt_at < @next AND (locked_until IS NULL OR locked_until <= @now);
            """, new { id = claim.Id, lockedUntil = claim.LockedUntil, endpointId = endpoint.Id, next = now + decision.RetryAfter, now },
            cancellationToken: cancellationToken));
        return true;
    }

    private async Task<Outcome> SendAsync(WebhookEndpointRow endpoint, string eventId, string storedPayload, CancellationToken cancellationToken)
    {
        var payload = Invoices.DocumentAccess.WithInvoiceTokens(storedPayload);
        var now = clock.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(payload, System.Text.Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in endpoints.Headers(endpoint))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        var timestamp = now.ToUnixTimeSeconds();
        request.Headers.Add("webhook-id", eventId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Header(endpoints.SigningSecrets(endpoint, now.UtcDateTime), eventId, timestamp, payload));
        request.Headers.UserAgent.ParseAdd("Clientele-Webhooks/1.0");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var excerpt = await ExcerptAsync(response, timeout.Token);
            return new Outcome(status, null, (int)watch.ElapsedMilliseconds, excerpt);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(null, $"timed out after {options.Value.RequestTimeout.TotalSeconds:0} s", (int)watch.ElapsedMilliseconds);
        }
        catch (HttpRequestException ex) when (ex.InnerException is BlockedTargetException blocked)
        {
            return new Outcome(null, blocked.Message, (int)watch.ElapsedMilliseconds);
        }
        catch (HttpRequestException ex)
        {
            return new Outcome(null, ex.HttpRequestError.ToString(), (int)watch.ElapsedMilliseconds);
        }
    }

    /// <summary>The start of the receiver's answer for the delivery log; reading more is never waited for, and a body that breaks off is just not kept.</summary>
    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[ResponseExcerptLength * 4];
            var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            var text = Encoding.UTF8.GetString(buffer, 0, read);
            text = new string([.. text.Where(c => !char.IsControl(c) || c is '\n' or '\t')]);
            return text.Length == 0 ? null : text.Length > ResponseExcerptLength ? text[..ResponseExcerptLength] : text;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            return null;
        }
    }

    private async Task RecordAsync(Claim claim, Outcome outcome, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var schedule = WebhookOptions.RetrySchedule;
        var gone = outcome.StatusCode == StatusCodes.Status410Gone;
        var status = outcome.Succeeded ? "succeeded" : gone || claim.Attempts >= schedule.Count ? "failed" : "pending";
        var nextAttempt = status == "pending" ? now + schedule[claim.Attempts] : now;
        var error = outcome.Error ?? (outcome.Succeeded ? null : $"HTTP {outcome.StatusCode}");

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Only the holder of a live claim records; a claim that lapsed belongs to another worker now.
        var recorded = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE webhook_deliveries SET status = @status, next_attempt_at = @nextAttempt, locked_until = NULL,
                last_status_code = @statusCode, last_error = @error, delivered_at = CASE WHEN @succeeded THEN @now END
            WHERE id = @id AND locked_until = @lockedUntil
            """,
            new { id = claim.Id, status, nextAttempt, statusCode = outcome.StatusCode, error, succeeded = outcome.Succeeded, now, lockedUntil = claim.LockedUntil },
            transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO webhook_delivery_attempts (business_id, mode, delivery_id, attempt, status_code, error, duration_ms, response_excerpt, created_at)
            VALUES (@businessId, @mode, @id, @attempt, @statusCode, @error, @durationMs, @excerpt, @now)
            """,
            new { claim.BusinessId, claim.Mode, claim.Id, attempt = claim.Attempts, statusCode = outcome.StatusCode, error, durationMs = outcome.DurationMs, excerpt = outcome.ResponseExcerpt, now },
            transaction, cancellationToken: cancellationToken));
        if (gone && recorded == 1)
        {
            // 410 Gone: the receiver says this endpoint is no more; stop sending to it.
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE webhook_endpoints SET disabled = true, updated_at = @now WHERE id = @endpointId",
                new { claim.EndpointId, now }, transaction, cancellationToken: cancellationToken));
            logger.LogWarning("Webhook endpoint {EndpointId} answered 410 Gone and was disabled", claim.EndpointId);
        }
        await transaction.CommitAsync(cancellationToken);
        if (!outcome.Succeeded)
        {
            logger.LogInformation("Webhook delivery {DeliveryId} attempt {Attempt} failed ({Error}); now {Status}", claim.Id, claim.Attempts, error, status);
        }
    }
}
