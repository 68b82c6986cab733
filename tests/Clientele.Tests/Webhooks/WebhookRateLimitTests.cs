using System.Diagnostics;
using Clientele.Features.Webhooks;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Webhooks;

[Collection(nameof(WebhookFixture))]
public sealed class WebhookRateLimitTests(WebhookFixture app)
{
    [Fact]
    public async Task An_endpoints_rate_limit_spreads_deliveries_over_seconds_without_using_up_attempts()
    {
        await using var limited = await WebhookReceiver.StartAsync();
        await using var open = await WebhookReceiver.StartAsync();
        var business = await app.CreateBusinessAsync();
        var limitedId = (await business.Test.PostJsonAsync("/webhooks", new { url = limited.Url, rate_limit = 1 })).Str("id");
        await business.Test.PostJsonAsync("/webhooks", new { url = open.Url, rate_limit = 0 });

        var events = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            events.Add(await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, new { payment_id = $"pay_{i}" }));
        }

        var unlimited = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            unlimited.Add((await open.NextAsync()).Id);
        }
        var arrivals = new List<long>();
        var received = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var delivery = await limited.NextAsync();
            received.Add(delivery.Id);
            arrivals.Add(delivery.ReceivedAt);
        }
        // When the receiver got them, not when this test got round to reading them (a slow test
        // thread would otherwise read two at once and see them "together").
        var span = Stopwatch.GetElapsedTime(arrivals[0], arrivals[^1]);

        Assert.Equal(events.Order(), unlimited.Order());
        Assert.Equal(events.Order(), received.Order());
        // One per one-second window: four deliveries span at least three window boundaries (> 2 s;
        // 1.5 s leaves room for delivery latency). Without the limit they arrive together.
        Assert.True(span >= TimeSpan.FromSeconds(1.5), $"four deliveries arrived within {span}");
        Assert.True(await limited.StaysQuietAsync(TimeSpan.FromMilliseconds(500)));

        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var deliveries = (await connection.QueryAsync<(string Status, int Attempts, long Logged)>("""
            SELECT d.status, d.attempts, (SELECT count(*) FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id)
            FROM webhook_deliveries d WHERE d.endpoint_id = @limitedId
            """, new { limitedId })).ToList();
        Assert.Equal(4, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(("succeeded", 1, 1L), d));
    }
}
