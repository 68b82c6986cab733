using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Clientele.Platform.Jobs;

/// <summary>What one worker last did: when a pass last succeeded, and the last failure since.</summary>
public sealed record WorkerSnapshot(
    string Name, DateTimeOffset StartedAt, DateTimeOffset? LastSuccessAt, DateTimeOffset? LastFailureAt,
    string? LastError, int ConsecutiveFailures, long Passes)
{
    /// <summary>Time since the last successful pass (since start, before the first one); never negative, as a pass may finish between reading the clock and reading its time.</summary>
    public TimeSpan LagAt(DateTimeOffset now) => now - (LastSuccessAt ?? StartedAt) is var lag && lag > TimeSpan.Zero ? lag : TimeSpan.Zero;
}

/// <summary>
/// The state of this process's background workers, for operators and metrics: the meter
/// <see cref="MeterName"/> publishes <c>clientele.worker.lag</c>, the seconds since each worker's last
/// successful pass (tag <c>worker</c>). A worker whose lag keeps growing past its poll interval is stuck
/// or failing; its last error says why.
/// </summary>
public sealed class WorkerStatus : IDisposable
{
    public const string MeterName = "Clientele.Workers";

    private readonly ConcurrentDictionary<string, WorkerSnapshot> workers = new(StringComparer.Ordinal);
    private readonly Meter meter;

    public WorkerStatus(TimeProvider clock, ILogger<PollingWorker> logger, IMeterFactory meters, WorkerConnections? connections = null)
    {
        Clock = clock;
        Connections = connections ?? new WorkerConnections(1);
        Logger = logger;
        meter = meters.Create(MeterName);
        meter.CreateObservableGauge("clientele.worker.lag", ObserveLag, unit: "s",
            description: "Seconds since the worker's last successful pass");
    }

    /// <summary>The workers' share of the connection pool; every pass holds its permits.</summary>
    public WorkerConnections Connections { get; }

    /// <summary>The clock the workers wait and time-stamp by.</summary>
    public TimeProvider Clock { get; }

    /// <summary>Where workers log failed passes (one category, the worker's name as a value).</summary>
    public ILogger<PollingWorker> Logger { get; }

    public IReadOnlyList<WorkerSnapshot> Snapshot() => [.. workers.Values.OrderBy(w => w.Name, StringComparer.Ordinal)];

    public WorkerSnapshot? Find(string name) => workers.GetValueOrDefault(name);

    internal void Started(string name) =>
        workers[name] = new WorkerSnapshot(name, Clock.GetUtcNow(), null, null, null, 0, 0);

    internal void Succeeded(string name) =>
        workers.AddOrUpdate(name, n => new WorkerSnapshot(n, Clock.GetUtcNow(), Clock.GetUtcNow(), null, null, 0, 1),
            (_, w) => w with { LastSuccessAt = Clock.GetUtcNow(), ConsecutiveFailures = 0, Passes = w.Passes + 1 });

    internal int Failed(string name, Exception exception)
    {
        // The type and message only: enough to tell a down database from a bug, never a stack in a metric label.
        var error = $"{exception.GetType().Name}: {exception.Message}";
        error = error[..Math.Min(error.Length, 500)];
        var now = Clock.GetUtcNow();
        return workers.AddOrUpdate(name, n => new WorkerSnapshot(n, now, null, now, error, 1, 1),
            (_, w) => w with { LastFailureAt = now, LastError = error, ConsecutiveFailures = w.ConsecutiveFailures + 1, Passes = w.Passes + 1 })
            .ConsecutiveFailures;
    }

    private IEnumerable<Measurement<double>> ObserveLag()
    {
        var now = Clock.GetUtcNow();
        foreach (var worker in workers.Values)
        {
            yield return new Measurement<double>(worker.LagAt(now).TotalSeconds, new KeyValuePair<string, object?>("worker", worker.Name));
        }
    }

    public void Dispose() => meter.Dispose();
}
