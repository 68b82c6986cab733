using Clientele.Platform.Jobs;
using Microsoft.Extensions.Options;

namespace Clientele.Features.Dashboard.Customers;

/// <summary>
/// Builds customer reports in this process (every process may run one; they share the queue
/// through SKIP LOCKED) and deletes expired ones. A request in this process wakes it at once.
/// </summary>
public sealed class CustomerReportWorker(CustomerReportRunner runner, CustomerReportSignal signal, IOptions<CustomerReportOptions> options, WorkerStatus status)
    : PollingWorker(status)
{
    public override string Name => "customer-reports";

    protected override TimeSpan IdleDelay => options.Value.PollInterval;

    protected override async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        var built = await runner.RunOnceAsync(cancellationToken);
        if (built == 0)
        {
            await runner.DeleteExpiredAsync(cancellationToken);
        }
        return built;
    }

    protected override async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) => await signal.WaitAsync(delay, cancellationToken);
}

/// <summary>Wakes this process's report worker when a report was requested here (others find it by polling).</summary>
public sealed class CustomerReportSignal : IDisposable
{
    private readonly SemaphoreSlim semaphore = new(0, 1);

    public void Wake()
    {
        try
        {
            semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up is enough.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose() => semaphore.Dispose();
}
