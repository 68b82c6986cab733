using Clientele.Features.Webhooks;
using Clientele.Primitives;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Subscriptions;
using Clientele.Tests.Wallets;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Webhooks;

/// <summary>The Activity readers find an event by its <c>customer_id</c> column: every insert must write the payload's customer there.</summary>
public sealed class WebhookEventCustomerTests(AppFixture app)
{
    [Fact]
    public async Task Every_insert_path_writes_the_payloads_customer_and_an_event_without_one_has_none()
    {
        var business = await app.CreateBusinessAsync("Event Customer Co");
        var tenant = new Tenant(business.Id, Mode.Test);
        var (first, second) = (await business.Test.NewCustomerAsync(), await business.Test.NewCustomerAsync());
        var outbox = app.Services.GetRequiredService<WebhookOutbox>();
        string nested, flat, none;
        await using (var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(TestContext.Current.CancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            var token = TestContext.Current.CancellationToken;
            nested = await outbox.EnqueueAsync(connection, transaction, tenant, "payment.processing", "Payment", new { payment_id = "pay_1", customer = new { customer_id = first } }, token);
            flat = await outbox.EnqueueAsync(connection, transaction, tenant, "license_key.created", "LicenseKey", new { id = "lic_1", customer_id = second }, token);
            none = await outbox.EnqueueAsync(connection, transaction, tenant, "payout.created", "Payout", new { payout_id = "po_1" }, token);
            await outbox.EnqueueManyAsync(connection, transaction, tenant, "subscription.renewed", "Subscription",
                [new { subscription_id = "sub_1", customer = new { customer_id = first } }, new { subscription_id = "sub_2", customer = new { customer_id = second } }], token);
            await outbox.EnqueueManyAsync(connection, transaction, tenant, "credit.expired", "CreditLedgerEntry",
                [new { id = "wlt_1", customer_id = second }, new { id = "wlt_2", customer_id = (string?)null }], token);
            await transaction.CommitAsync(token);
        }
        // The wallet's statement splices the balances into the payload in SQL (WebhookDraft.Ctes with an expression).
        await business.Test.CreditAsync(first, 500);
        // A checkout's real payment.* and subscription.* events.
        var driver = new SubscriptionDriver(app, business);
        var subscriber = (await driver.SubscribeAsync(await driver.ProductAsync(900)))["customer"]!.Str("customer_id");

        await using var db = new NpgsqlConnection(TestSettings.ConnectionString());
        var events = (await db.QueryAsync<(string Id, string Type, string? CustomerId, string? FromPayload)>("""
            SELECT id, type, customer_id, coalesce((payload::jsonb) #>> '{data,customer,customer_id}', (payload::jsonb) #>> '{data,customer_id}')
            FROM webhook_events WHERE business_id = @businessId AND mode = 'test' ORDER BY seq
            """, new { businessId = business.Id })).AsList();

        Assert.All(events, e => Assert.True(e.CustomerId == e.FromPayload, $"{e.Type} {e.Id}: column {e.CustomerId ?? "null"}, payload {e.FromPayload ?? "null"}"));
        Assert.Equal(first, events.Single(e => e.Id == nested).CustomerId);
        Assert.Equal(second, events.Single(e => e.Id == flat).CustomerId);
        Assert.Null(events.Single(e => e.Id == none).CustomerId);
        Assert.Equal([first, second], events.Where(e => e.Type == "subscription.renewed").Select(e => e.CustomerId));
        Assert.Equal([second, null], events.Where(e => e.Type == "credit.expired").Select(e => e.CustomerId));
        Assert.Equal(first, events.Single(e => e.Type == "credit.manual_adjustment").CustomerId);
        Assert.Contains(events, e => e.Type == "payment.succeeded" && e.CustomerId == subscriber);
        Assert.Contains(events, e => e.Type == "subscription.active" && e.CustomerId == subscriber);
    }
}
