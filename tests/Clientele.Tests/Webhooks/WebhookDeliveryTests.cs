using System.Text.Json.Nodes;
using Clientele.Features.Webhooks;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Webhooks;

[Collection(nameof(WebhookFixture))]
public sealed class WebhookDeliveryTests(WebhookFixture app)
{
    private static readonly object Payment = new { payment_id = "pay_test", total_amount = 1500, currency = "USD" };

    private async Task<(TestBusiness Business, string EndpointId, string Secret)> EndpointAsync(WebhookReceiver receiver, object? extra = null)
    {
        var business = await app.CreateBusinessAsync();
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra ?? new { }))!.AsObject();
        body["url"] = receiver.Url;
        var endpoint = await business.Test.PostJsonAsync("/webhooks", body.ToJsonString());
        var secret = (await business.Test.GetJsonAsync($"/webhooks/{endpoint.Str("id")}/secret")).Str("secret");
        return (business, endpoint.Str("id"), secret);
    }

    [Fact]
    public async Task A_committed_event_is_delivered_signed_and_verifies_with_the_official_library()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (business, _, secret) = await EndpointAsync(receiver);

        var eventId = await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, Payment);
        var delivery = await receiver.NextAsync();

        Assert.Equal(eventId, delivery.Id);
        var envelope = JsonNode.Parse(delivery.Body)!;
        Assert.Equal(business.Id, envelope.Str("business_id"));
        Assert.Equal("payment.succeeded", envelope.Str("type"));
        Assert.Equal("Payment", envelope["data"]!.Str("payload_type"));
        Assert.Equal(1500, envelope["data"]!["total_amount"]!.GetValue<int>());
        var verified = await WebhookFixture.VerifyWithSdkAsync(delivery, secret);
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
        Assert.Contains("verified payment.succeeded Payment", verified.Output, StringComparison.Ordinal);

        var tampered = await WebhookFixture.VerifyWithSdkAsync(delivery with { Body = delivery.Body.Replace("1500", "1", StringComparison.Ordinal) }, secret);
        Assert.Equal(1, tampered.ExitCode);
    }

    [Fact]
    public async Task A_rolled_back_change_sends_nothing_and_filters_are_honoured()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (business, _, _) = await EndpointAsync(receiver, new { filter_types = new[] { "payment.succeeded" } });

        await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, Payment, commit: false);
        await app.EmitAsync(business.Id, WebhookEventTypes.RefundSucceeded, Payment);
        var wanted = await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, Payment);

        Assert.Equal(wanted, (await receiver.NextAsync()).Id);
        Assert.True(await receiver.StaysQuietAsync(TimeSpan.FromSeconds(1)));
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM webhook_events WHERE business_id = @id", new { id = business.Id }));
    }

    [Fact]
    public async Task A_failed_attempt_is_retried_on_schedule_and_logged()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Responses.Enqueue(500);
        var (business, _, _) = await EndpointAsync(receiver);

        var eventId = await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, Payment);
        Assert.Equal(eventId, (await receiver.NextAsync()).Id);
        Assert.True(await receiver.StaysQuietAsync(TimeSpan.FromSeconds(1)), "the retry waits for its 5 s slot");
        app.TestClock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(eventId, (await receiver.NextAsync()).Id);

        var delivery = await WaitForDeliveryAsync(eventId, "succeeded");
        Assert.Equal(2, delivery.Attempts);
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var log = (await connection.QueryAsync<int?>("SELECT status_code FROM webhook_delivery_attempts WHERE delivery_id = @id ORDER BY attempt", new { id = delivery.Id })).ToList();
        Assert.Equal([500, 200], log);
    }

    [Fact]
    public async Task A_delivery_claimed_by_a_worker_that_died_is_sent_once_its_claim_lapses()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (business, _, _) = await EndpointAsync(receiver);

        // A worker claims the delivery exactly as the dispatcher does, then dies before sending.
        // (Claimed in the event's own transaction, so the live worker cannot take it first.)
        var eventId = await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, Payment, beforeCommit: (connection, transaction) =>
            connection.ExecuteAsync(
                "UPDATE webhook_deliveries SET locked_until = @until, attempts = attempts + 1 WHERE business_id = @businessId",
                new { businessId = business.Id, until = app.Clock.GetUtcNow().UtcDateTime.AddSeconds(30) }, transaction));

        Assert.True(await receiver.StaysQuietAsync(TimeSpan.FromSeconds(1)), "nobody sends while the claim stands");
        app.TestClock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(eventId, (await receiver.NextAsync()).Id);
        var delivery = await WaitForDeliveryAsync(eventId, "succeeded");
        Assert.Equal(2, delivery.Attempts);
    }

    [Fact]
    public async Task Several_workers_racing_send_each_event_exactly_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (business, _, _) = await EndpointAsync(receiver);
        var emitted = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            emitted.Add(await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, Payment));
        }

        // The background worker plus three more passes at once, as if four processes shared the database.
        var dispatcher = app.Services.GetRequiredService<WebhookDispatcher>();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => dispatcher.DeliverDueAsync(CancellationToken.None))));
        var received = new List<string>();
        for (var i = 0; i < emitted.Count; i++)
        {
            received.Add((await receiver.NextAsync()).Id);
        }

        Assert.True(await receiver.StaysQuietAsync(TimeSpan.FromSeconds(1)), "no event is sent twice");
        Assert.Equal(emitted.Order(), received.Order());
    }

    [Fact]
    public async Task An_endpoint_that_answers_410_is_disabled()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Responses.Enqueue(410);
        var (business, endpointId, _) = await EndpointAsync(receiver);

        var eventId = await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, Payment);
        await receiver.NextAsync();

        Assert.Equal("failed", (await WaitForDeliveryAsync(eventId, "failed")).Status);
        Assert.True((await business.Test.GetJsonAsync($"/webhooks/{endpointId}"))["disabled"]!.GetValue<bool>());
        await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, Payment);
        Assert.True(await receiver.StaysQuietAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task After_rotation_both_secrets_sign_until_the_old_one_expires()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (business, endpointId, oldSecret) = await EndpointAsync(receiver);
        var newSecret = (await business.Test.PostJsonAsync($"/webhooks/{endpointId}/secret/rotate", "")).Str("secret");

        await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, Payment);
        var during = await receiver.NextAsync();
        Assert.Equal(2, during.Headers["webhook-signature"].Split(' ').Length);
        Assert.Equal(0, (await WebhookFixture.VerifyWithSdkAsync(during, oldSecret)).ExitCode);
        Assert.Equal(0, (await WebhookFixture.VerifyWithSdkAsync(during, newSecret)).ExitCode);

        // The 24 h grace period ends (moved in the row, so the shared clock stays near real time).
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            await connection.ExecuteAsync("UPDATE webhook_endpoints SET previous_secret_expires_at = @past WHERE id = @endpointId",
                new { endpointId, past = app.Clock.GetUtcNow().UtcDateTime.AddSeconds(-1) });
        }
        await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, Payment);
        var after = await receiver.NextAsync();
        Assert.Single(after.Headers["webhook-signature"].Split(' '));
        Assert.Equal(1, (await WebhookFixture.VerifyWithSdkAsync(after, oldSecret)).ExitCode);
        Assert.Equal(0, (await WebhookFixture.VerifyWithSdkAsync(after, newSecret)).ExitCode);
    }

    [Fact]
    public async Task Wallet_ledger_entries_emit_credit_events_and_refused_debits_emit_none()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (business, _, _) = await EndpointAsync(receiver);
        var customer = await business.Test.PostJsonAsync("/customers", new { name = "Wally", email = $"w-{Guid.NewGuid():N}@example.com" });
        var entries = $"/customers/{customer.Str("customer_id")}/wallets/ledger-entries";

        await business.Test.PostJsonAsync(entries, new { amount = 500, currency = "USD", entry_type = "credit", reason = "goodwill" });
        await business.Test.PostJsonAsync(entries, new { amount = 900, currency = "USD", entry_type = "debit" }, System.Net.HttpStatusCode.BadRequest);

        var envelope = JsonNode.Parse((await receiver.NextAsync()).Body)!;
        Assert.Equal("credit.manual_adjustment", envelope.Str("type"));
        Assert.Equal("CreditLedgerEntry", envelope["data"]!.Str("payload_type"));
        Assert.Equal(500, envelope["data"]!["after_balance"]!.GetValue<long>());
        Assert.Equal("goodwill", envelope["data"]!.Str("reason"));
        Assert.True(await receiver.StaysQuietAsync(TimeSpan.FromSeconds(1)), "the refused debit changed nothing, so it sends nothing");
    }

    [Fact]
    public async Task Custom_headers_are_sent_with_each_delivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (business, _, _) = await EndpointAsync(receiver, new { headers = new Dictionary<string, string> { ["X-Tenant"] = "acme" } });

        await app.EmitAsync(business.Id, WebhookEventTypes.PaymentSucceeded, Payment);

        Assert.Equal("acme", (await receiver.NextAsync()).Headers["x-tenant"]);
    }

    private sealed record DeliveryRow(string Id, string Status, int Attempts);

    private static async Task<DeliveryRow> WaitForDeliveryAsync(string eventId, string status)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        for (var i = 0; i < 100; i++)
        {
            var row = await connection.QuerySingleAsync<DeliveryRow>("SELECT id, status, attempts FROM webhook_deliveries WHERE event_id = @eventId", new { eventId });
            if (row.Status == status)
            {
                return row;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Delivery of {eventId} never became {status}.");
    }
}
