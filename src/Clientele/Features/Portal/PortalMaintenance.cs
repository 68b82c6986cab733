using Clientele.Platform.Jobs;
using Clientele.Platform.Security;
using Dapper;
using Npgsql;

namespace Clientele.Features.Portal;

/// <summary>
/// Forgets what can no longer be used: links, sessions and unified rows a week after they expired
/// (kept that long to answer "this link was already used" kindly), and past rate-limit windows.
/// Safe to run in every process at once (plain deletes).
/// </summary>
public sealed class PortalMaintenance(NpgsqlDataSource dataSource, RateLimiter rateLimiter, TimeProvider clock, WorkerStatus status) : PollingWorker(status)
{
    public static readonly TimeSpan KeepExpired = TimeSpan.FromDays(7);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    public override string Name => "portal-maintenance";

    protected override TimeSpan IdleDelay => Interval;

    /// <summary>Housekeeping never "finds work" worth an immediate second pass: it waits a full interval.</summary>
    protected override async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        await PurgeAsync(cancellationToken);
        return 0;
    }

    public async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().UtcDateTime - KeepExpired;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM portal_links WHERE expires_at < @before;
            DELETE FROM portal_sessions WHERE expires_at < @before;
            DELETE FROM unified_links WHERE expires_at < @before;
            DELETE FROM unified_sessions WHERE expires_at < @before;
            """, new { before }, cancellationToken: cancellationToken));
        await rateLimiter.PurgeExpiredAsync(cancellationToken);
    }
}
