using Microsoft.Extensions.Options;
using Npgsql;

namespace Clientele.Features.Refunds;

/// <summary>The refund recovery loop of this process (every process may run one; they share the work through SKIP LOCKED).</summary>
public sealed class RefundRecoveryWorker(RefundRecovery recovery, TimeProvider clock, IOptions<RefundOptions> options, ILogger<RefundRecoveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await recovery.RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Refund recovery pass failed; retrying later");
            }
            try
            {
                await Task.Delay(options.Value.RecoveryInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
