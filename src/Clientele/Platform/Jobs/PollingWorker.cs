namespace Clientele.Platform.Jobs;

/// <summary>
/// A background loop that never stops the host. Each pass does one round of work and says how much
/// it found: after work it goes again at once; when idle it waits <see cref="IdleDelay"/> (or less,
/// when <see cref="WaitAsync"/> is woken). Any exception ends only that pass: it is logged and recorded
/// in <see cref="WorkerStatus"/>, and the next pass comes after a short back-off that doubles up to
/// <see cref="MaxFailureDelay"/>, so a broken database is not hammered. Only shutdown stops the loop;
/// a pass cut short by shutdown claims nothing more, and whatever it had claimed is left for its
/// lease to lapse (every worker's claims are time-limited or transactional).
/// </summary>
public abstract class PollingWorker(WorkerStatus status) : BackgroundService
{
    public static readonly TimeSpan FirstFailureDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxFailureDelay = TimeSpan.FromSeconds(30);

    /// <summary>The worker's name in logs, <see cref="WorkerStatus"/> and the lag metric.</summary>
    public abstract string Name { get; }

    /// <summary>How long to wait after a pass that found nothing.</summary>
    protected abstract TimeSpan IdleDelay { get; }

    /// <summary>False when configuration keeps this worker off in this process.</summary>
    protected virtual bool Enabled => true;

    /// <summary>The workers' share of the pool; a pass that fans out caps its parallelism with it.</summary>
    protected WorkerConnections Connections => status.Connections;

    /// <summary>How many pooled connections a pass may hold at once (its permits in <see cref="WorkerConnections"/>).</summary>
    protected virtual int ConnectionsPerPass => 1;

    /// <summary>One round of work; returns how many items it found (0: idle).</summary>
    protected abstract Task<int> RunPassAsync(CancellationToken cancellationToken);

    /// <summary>Waits between passes; a worker with a wake-up signal overrides it to return early.</summary>
    protected virtual Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, status.Clock, cancellationToken);

    /// <summary>The pause after the n-th failed pass in a row: 1 s, 2 s, 4 s … up to <see cref="MaxFailureDelay"/>.</summary>
    protected virtual TimeSpan FailureDelay(int consecutiveFailures) =>
        TimeSpan.FromTicks(Math.Min(MaxFailureDelay.Ticks, FirstFailureDelay.Ticks << Math.Min(consecutiveFailures - 1, 16)));

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }
        status.Started(Name);
        // Let the host finish starting before the first pass.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                int found;
                using (await status.Connections.EnterAsync(ConnectionsPerPass, stoppingToken))
                {
                    found = await RunPassAsync(stoppingToken);
                }
                status.Succeeded(Name);
                if (found > 0)
                {
                    continue;
                }
                delay = IdleDelay;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                delay = FailureDelay(status.Failed(Name, ex));
                status.Logger.LogError(ex, "Worker {Worker}: the pass failed; next pass in {Delay}", Name, delay);
            }
            try
            {
                await WaitAsync(delay, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
