using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Clientele.Platform.Security;
using Clientele.Platform.Telemetry;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Platform;

/// <summary>The business metrics, seen the way an exporter sees them: through a MeterListener.</summary>
public sealed class TelemetryTests(AppFixture app)
{
    [Fact]
    public async Task A_rate_limit_refusal_is_counted_under_its_rule()
    {
        var rule = new RateLimitRule($"telemetry-test-{Guid.NewGuid():N}", 1, TimeSpan.FromMinutes(1));
        var seen = new ConcurrentBag<(string Instrument, long Value, string? Rule)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ClienteleMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "rule")
                {
                    seen.Add((instrument.Name, value, tag.Value as string));
                }
            }
        });
        listener.Start();

        var limiter = app.Services.GetRequiredService<RateLimiter>();
        Assert.True((await limiter.HitAsync([new RateLimitHit(rule, "someone")], CancellationToken.None)).Allowed);
        Assert.DoesNotContain(seen, m => m.Rule == rule.Name);
        Assert.False((await limiter.HitAsync([new RateLimitHit(rule, "someone")], CancellationToken.None)).Allowed);

        Assert.Contains(("clientele.rate_limit.refusals", 1L, rule.Name), seen);
    }

    [Fact]
    public async Task The_email_outbox_gauges_report_how_many_wait_and_for_how_long()
    {
        var id = $"eml_gauge_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        // A message that waits an hour already and is not due for another day, so no dispatcher takes it meanwhile.
        await connection.ExecuteAsync("""
            INSERT INTO email_outbox (id, mode, kind, recipient, culture, subject, next_attempt_at, created_at)
            VALUES (@id, 'test', 'gauge_test', 'gauge@example.com', 'en', 'waiting', now() + interval '1 day', now() - interval '1 hour')
            """, new { id });
        try
        {
            var factory = app.Services.GetRequiredService<IMeterFactory>();
            var values = new ConcurrentDictionary<string, double>();
            using var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                // Only this server's gauges (another server in the test process has its own).
                if (instrument.Meter.Name == EmailOutboxGauges.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
            listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => values[instrument.Name] = value);
            listener.Start();
            listener.RecordObservableInstruments();

            Assert.True(values.TryGetValue("clientele.email.outbox.depth", out var depth) && depth >= 1, $"depth: {depth}");
            Assert.True(values.TryGetValue("clientele.email.outbox.age", out var age) && age >= 3500, $"age: {age}");
        }
        finally
        {
            await connection.ExecuteAsync("DELETE FROM email_outbox WHERE id = @id", new { id });
        }
    }
}
