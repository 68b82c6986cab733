using Clientele.Platform.Security;
using Dapper;
using Npgsql;

namespace Clientele.Features.Portal;

/// <summary>
/// Forgets what can no longer be used: links, sessions and unified rows a week after they expired
/// (kept that long to answer "this link was already used" kindly), and past rate-limit windows.
/// Safe to run in every process at once (plain deletes).
/// </summary>
public sealed class PortalMaintenance(NpgsqlDataSource dataSource, RateLimiter rateLimiter, TimeProvider clock, ILogger<PortalMaintenance> logger) : BackgroundService
{
    public static readonly TimeSpan KeepExpired = TimeSpan.FromDays(7);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PurgeAsync(stoppingToken);
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Portal housekeeping failed; retrying later");
                await Task.Delay(Interval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
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
