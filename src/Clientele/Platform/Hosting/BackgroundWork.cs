using System.Collections.Concurrent;

namespace Clientele.Platform.Hosting;

/// <summary>
/// Work a request starts but does not wait for, so its answer takes the same time whatever that work
/// finds (the sign-in forms: a known e-mail must not answer slower than an unknown one). Failures are
/// logged; shutdown waits for what is running. Not durable: a process that dies mid-way loses it, and
/// the customer asks again.
/// </summary>
public sealed class BackgroundWork(ILogger<BackgroundWork> logger) : IHostedService
{
    private readonly ConcurrentDictionary<Task, byte> running = new();

    public void Run(string what, Func<Task> work)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Background work {What} failed", what);
            }
        });
        running.TryAdd(task, 0);
        _ = task.ContinueWith(done => running.TryRemove(done, out _), TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(running.Keys).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("{Count} background tasks were still running at shutdown", running.Count);
        }
    }
}
