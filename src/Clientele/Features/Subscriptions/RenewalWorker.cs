using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Subscriptions;

/// <summary>The renewal worker of this process (every process may run one; they share the work through SKIP LOCKED).</summary>
public sealed class RenewalWorker(RenewalRunner runner, TimeProvider clock, IOptions<SubscriptionOptions> options, ILogger<RenewalWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.RunOnceAsync(null, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Renewal pass failed; retrying later");
            }
            try
            {
                await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
