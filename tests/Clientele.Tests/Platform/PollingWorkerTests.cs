using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Clientele.Platform.Jobs;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Clientele.Tests.Platform;

/// <summary>The shared worker loop: a failing pass never stops the worker or the host.</summary>
public sealed class PollingWorkerTests
{
    private const string FlakyName = "flaky-test";

    /// <summary>A worker whose every pass throws until it is repaired.</summary>
    private sealed class FlakyWorker(WorkerStatus status) : PollingWorker(status)
    {
        private volatile bool broken = true;

        public void Repair() => broken = false;

        public override string Name => FlakyName;

        protected override TimeSpan IdleDelay => TimeSpan.FromMilliseconds(20);

        protected override TimeSpan FailureDelay(int consecutiveFailures) => TimeSpan.FromMilliseconds(10);

        public TimeSpan DefaultFailureDelay(int consecutiveFailures) => base.FailureDelay(consecutiveFailures);

        protected override Task<int> RunPassAsync(CancellationToken cancellationToken) =>
            broken ? throw new InvalidOperationException("the pass broke") : Task.FromResult(0);
    }

    /// <summary>The real server with the flaky worker among its hosted services.</summary>
    private sealed class FlakyApp : AppFixture
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ConnectionStrings:Clientele", TestSettings.ConnectionString() + ";Maximum Pool Size=5");
            builder.ConfigureServices(services =>
            {
                services.AddSingleton<FlakyWorker>();
                services.AddHostedService(sp => sp.GetRequiredService<FlakyWorker>());
            });
        }
    }

    [Fact]
    public async Task A_worker_whose_pass_throws_keeps_running_and_the_host_stays_up()
    {
        var app = new FlakyApp();
        try
        {
            await app.InitializeAsync();
            var worker = app.Services.GetRequiredService<FlakyWorker>();
            var status = app.Services.GetRequiredService<WorkerStatus>();

            await WaitForAsync(() => status.Find(FlakyName) is { ConsecutiveFailures: >= 3 }, "three failed passes in a row");
            var failing = status.Find(FlakyName)!;
            Assert.Null(failing.LastSuccessAt);
            Assert.Equal("InvalidOperationException: the pass broke", failing.LastError);
            Assert.Contains(app.Logs.Snapshot(), line => line.Contains($"Worker {FlakyName}: the pass failed", StringComparison.Ordinal));
            // Not an NpgsqlException, not a timeout — and still the host runs and answers.
            Assert.False(app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
            using var client = app.CreateAnonymousClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", TestContext.Current.CancellationToken)).StatusCode);

            worker.Repair();
            await WaitForAsync(() => status.Find(FlakyName) is { LastSuccessAt: not null, ConsecutiveFailures: 0 }, "a successful pass after the failures");
            var recovered = status.Find(FlakyName)!;
            Assert.True(recovered.Passes > failing.Passes);
            Assert.InRange(Lag(FlakyName), 0, 5);

            // Shutdown stops the loop promptly (no waiting out the host's shutdown timeout).
            var watch = Stopwatch.StartNew();
            await app.DisposeAsync();
            Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public void Failed_passes_back_off_from_one_second_doubling_up_to_thirty()
    {
        using var workers = WorkerTestKit.Status(TimeProvider.System);
        var worker = new FlakyWorker(workers.Status);
        Assert.Equal(
            [1, 2, 4, 8, 16, 30, 30],
            Enumerable.Range(1, 6).Append(1000).Select(n => worker.DefaultFailureDelay(n).TotalSeconds));
    }

    /// <summary>The <c>clientele.worker.lag</c> gauge of one worker, as a metrics exporter would read it.</summary>
    private static double Lag(string worker)
    {
        var values = new ConcurrentBag<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WorkerStatus.MeterName && instrument.Name == "clientele.worker.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "worker" && Equals(tag.Value, worker))
                {
                    values.Add(value);
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return Assert.Single(values);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited 15 s for {what}.");
            }
            await Task.Delay(20);
        }
    }
}
