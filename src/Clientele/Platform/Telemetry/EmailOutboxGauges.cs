using System.Diagnostics.Metrics;
using Dapper;
using Npgsql;

namespace Clientele.Platform.Telemetry;

/// <summary>
/// The e-mail outbox as two gauges, <c>clientele.email.outbox.depth</c> (pending messages) and
/// <c>clientele.email.outbox.age</c> (seconds the oldest pending one has waited), on the meter
/// <c>Clientele.Email</c>. Read only when a collector asks, at most every 15 seconds, with one small
/// query, so an exporter polling often does not load the database.
/// </summary>
public sealed class EmailOutboxGauges : IHostedService
{
    public const string MeterName = "Clientele.Email";

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);

    private readonly NpgsqlDataSource dataSource;
    private readonly TimeProvider clock;
    private readonly ILogger<EmailOutboxGauges> logger;
    private readonly Lock gate = new();
    private (long Depth, double Age, DateTimeOffset ReadAt)? last;

    public EmailOutboxGauges(IMeterFactory meters, NpgsqlDataSource dataSource, TimeProvider clock, ILogger<EmailOutboxGauges> logger)
    {
        this.dataSource = dataSource;
        this.clock = clock;
        this.logger = logger;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("clientele.email.outbox.depth", () => Read().Depth, "{message}", "E-mails waiting to be sent.");
        meter.CreateObservableGauge("clientele.email.outbox.age", () => Read().Age, "s", "How long the oldest waiting e-mail has waited.");
    }

    // A hosted service only so that it is created at start-up (the gauges exist from then on).
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private (long Depth, double Age) Read()
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            if (last is { } cached && now - cached.ReadAt < CacheFor)
            {
                return (cached.Depth, cached.Age);
            }
            try
            {
                using var connection = dataSource.OpenConnection();
                var row = connection.QuerySingle<(long Depth, DateTime? Oldest)>(new CommandDefinition(
                    "SELECT count(*), min(created_at) FROM email_outbox WHERE status = 'pending'", commandTimeout: 5));
                var age = row.Oldest is { } oldest ? Math.Max(0, (now.UtcDateTime - DateTime.SpecifyKind(oldest, DateTimeKind.Utc)).TotalSeconds) : 0;
                last = (row.Depth, age, now);
                return (row.Depth, age);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                logger.LogDebug(ex, "E-mail outbox gauges: database unreachable");
                return last is { } stale ? (stale.Depth, stale.Age) : (0, 0);
            }
        }
    }
}
