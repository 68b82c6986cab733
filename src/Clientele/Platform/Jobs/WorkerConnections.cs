namespace Clientele.Platform.Jobs;

/// <summary>
/// The share of this process's connection pool that background work may hold at once
/// (<c>Database:WorkerConnections</c>), so that workers never starve requests: however busy the workers
/// are, requests keep <c>MaxPoolSize − WorkerConnections</c> connections. Every <see cref="PollingWorker"/>
/// pass holds as many permits as connections it may use at once (its <see cref="PollingWorker.ConnectionsPerPass"/>),
/// and a worker that fans out (renewals, webhook deliveries) caps its parallelism with <see cref="Clamp"/>.
/// </summary>
public sealed class WorkerConnections : IDisposable
{
    private readonly SemaphoreSlim permits;

    // Several permits are taken one after another; taking them under this lock means two workers can never
    // each hold part of what they need and wait for the other forever.
    private readonly SemaphoreSlim taking = new(1, 1);

    public WorkerConnections(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        permits = new SemaphoreSlim(size, size);
    }

    /// <summary>How many connections background work may hold at once.</summary>
    public int Size { get; }

    /// <summary>Permits free right now (for tests and diagnostics).</summary>
    public int Free => permits.CurrentCount;

    /// <summary>A wanted parallelism within the workers' share (at least 1).</summary>
    public int Clamp(int wanted) => Math.Clamp(wanted, 1, Size);

    /// <summary>Waits for <paramref name="count"/> permits (clamped to the share); disposing the lease returns them.</summary>
    public async Task<Lease> EnterAsync(int count, CancellationToken cancellationToken)
    {
        count = Clamp(count);
        await taking.WaitAsync(cancellationToken);
        var taken = 0;
        try
        {
            for (; taken < count; taken++)
            {
                await permits.WaitAsync(cancellationToken);
            }
        }
        catch
        {
            if (taken > 0)
            {
                permits.Release(taken);
            }
            throw;
        }
        finally
        {
            taking.Release();
        }
        return new Lease(permits, count);
    }

    public void Dispose()
    {
        permits.Dispose();
        taking.Dispose();
    }

    public sealed class Lease(SemaphoreSlim permits, int count) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                permits.Release(count);
            }
        }
    }
}
