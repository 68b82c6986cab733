using System.Security.Cryptography;
using System.Text;
using Clientele.Platform.Telemetry;
using Dapper;
using Npgsql;

namespace Clientele.Platform.Security;

/// <summary>A limit: at most <see cref="Limit"/> hits per <see cref="Window"/> for one subject.</summary>
public sealed record RateLimitRule(string Name, int Limit, TimeSpan Window);

/// <summary>One hit to count: a rule and whom it concerns (an e-mail, an IP address, a business).</summary>
public readonly record struct RateLimitHit(RateLimitRule Rule, string Subject);

public sealed record RateLimitDecision(bool Allowed, TimeSpan RetryAfter, string? ExceededRule)
{
    public static RateLimitDecision Allow { get; } = new(true, TimeSpan.Zero, null);
}

/// <summary>
/// Fixed-window counters in PostgreSQL, so every server process counts together. Subjects are
/// stored hashed (an e-mail address is personal data; the counter only needs to tell them apart).
/// Every hit is counted, also when the request is refused.
/// </summary>
public sealed class RateLimiter(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<RateLimitDecision> HitAsync(IReadOnlyList<RateLimitHit> hits, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var keys = new string[hits.Count];
        var windows = new DateTime[hits.Count];
        var expiries = new DateTime[hits.Count];
        for (var i = 0; i < hits.Count; i++)
        {
            var window = hits[i].Rule.Window;
            keys[i] = Key(hits[i]);
            windows[i] = new DateTime(now.Ticks - (now.Ticks % window.Ticks), DateTimeKind.Utc);
            expiries[i] = windows[i] + window;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var counts = (await connection.QueryAsync<(string Key, int Count)>(new CommandDefinition("""
            INSERT INTO rate_limit_counters (key, window_start, count, expires_at)
            SELECT k, w, 1, e FROM unnest(@keys, @windows, @expiries) AS t(k, w, e)
            ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_counters.count + 1
            RETURNING key, count
            """, new { keys, windows, expiries }, cancellationToken: cancellationToken)))
            .ToDictionary(row => row.Key, row => row.Count);

        RateLimitDecision decision = RateLimitDecision.Allow;
        for (var i = 0; i < hits.Count; i++)
        {
            if (counts[keys[i]] > hits[i].Rule.Limit)
            {
                var retryAfter = expiries[i] - now;
                if (decision.Allowed || retryAfter > decision.RetryAfter)
                {
                    decision = new RateLimitDecision(false, retryAfter, hits[i].Rule.Name);
                }
            }
        }
        if (!decision.Allowed)
        {
            ClienteleMetrics.RecordRateLimitRefusal(decision.ExceededRule);
        }
        return decision;
    }

    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM rate_limit_counters WHERE expires_at < @now", new { now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
    }

    private static string Key(RateLimitHit hit) =>
        $"{hit.Rule.Name}:{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(hit.Subject.ToLowerInvariant())))[..32]}";
}
