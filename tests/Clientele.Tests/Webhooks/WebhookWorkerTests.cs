using Clientele.Features.Webhooks;
using Clientele.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Clientele.Tests.Webhooks;

/// <summary>The webhook worker keeps delivering when one delivery of a batch throws.</summary>
[Collection(nameof(WebhookFixture))]
public sealed class WebhookWorkerTests(WebhookFixture app)
{
    private sealed record Row(string Status, int Attempts, string? LastError);

    [Fact]
    public async Task A_delivery_that_throws_does_not_stop_the_rest_of_its_batch()
    {
        await using var healthy = await WebhookReceiver.StartAsync();
        await using var broken = await WebhookReceiver.StartAsync();
        var business = await app.CreateBusinessAsync();
        // Created first, so its delivery leads the batch.
        var brokenId = (await business.Test.PostJsonAsync("/webhooks", new { url = broken.Url })).Str("id");
        for (var i = 0; i < 3; i++)
        {
            await business.Test.PostJsonAsync("/webhooks", new { url = healthy.Url });
        }

        // The broken endpoint's stored headers no longer decrypt (a lost key, a bad restore), so
        // preparing its request throws; corrupted in the event's own transaction, so one batch holds all four.
        var eventId = await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, new { payment_id = "pay_test" }, beforeCommit: (connection, transaction) =>
            connection.ExecuteAsync("UPDATE webhook_endpoints SET headers_protected = 'not-a-protected-payload' WHERE id = @brokenId", new { brokenId }, transaction));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(eventId, (await healthy.NextAsync()).Id);
        }
        // The throwing delivery counts as a failed attempt and waits for its retry slot, as a failed send does.
        var row = await WaitForAsync(brokenId, r => r.Attempts == 1 && r.LastError is not null);
        Assert.Equal("pending", row.Status);
        Assert.StartsWith("internal error (", row.LastError, StringComparison.Ordinal);
        Assert.Contains(app.Logs.Snapshot(), line => line.Contains($"endpoint {brokenId}) failed inside the worker", StringComparison.Ordinal));
    }

    private static async Task<Row> WaitForAsync(string endpointId, Func<Row, bool> condition)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var row = await connection.QuerySingleAsync<Row>(
                "SELECT status, attempts, last_error AS lasterror FROM webhook_deliveries WHERE endpoint_id = @endpointId", new { endpointId });
            if (condition(row))
            {
                return row;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The delivery to {endpointId} stayed {row}.");
            }
            await Task.Delay(50);
        }
    }
}
