using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Subscriptions;

/// <summary>Cancel now or at the period's end (and revoke), pause and resume, on a fake clock.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class SubscriptionChangesTests(ClockedAppFixture app)
{
    [Fact]
    public async Task Cancel_at_period_end_can_be_revoked_and_otherwise_ends_the_subscription_without_charging()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var id = (await driver.SubscribeAsync(await driver.ProductAsync(900))).Str("subscription_id");

        var scheduled = await driver.Api.PatchJsonAsync($"/subscriptions/{id}", new
        {
            cancel_at_next_billing_date = true,
            cancellation_feedback = "too_expensive",
            cancellation_comment = "Budget cuts",
        });
        Assert.True(scheduled["cancel_at_next_billing_date"]!.GetValue<bool>());
        Assert.Equal(("active", "too_expensive", "Budget cuts"), (scheduled.Str("status"), scheduled.Str("cancellation_feedback"), scheduled.Str("cancellation_comment")));
        var listed = await driver.Api.GetJsonAsync("/subscriptions?cancel_at_next_billing_date=true");
        Assert.Equal(id, Assert.Single(listed["items"]!.AsArray())!.Str("subscription_id"));

        var revoked = await driver.Api.PatchJsonAsync($"/subscriptions/{id}", new { cancel_at_next_billing_date = false });
        Assert.False(revoked["cancel_at_next_billing_date"]!.GetValue<bool>());
        app.TestClock.Advance(TimeSpan.FromDays(32));
        Assert.Equal(1, (await driver.RenewAsync()).Renewed);

        await driver.Api.PatchJsonAsync($"/subscriptions/{id}", new { cancel_at_next_billing_date = true });
        app.TestClock.Advance(TimeSpan.FromDays(31));
        var pass = await driver.RenewAsync();
        Assert.Equal((0, 1), (pass.Renewed, pass.Ended));
        var ended = await driver.GetAsync(id);
        Assert.Equal("cancelled", ended.Str("status"));
        Assert.NotNull(ended["cancelled_at"]);
        Assert.Equal(2, (await driver.PaymentsAsync(id)).Count);

        // An ended subscription stays ended.
        using var again = await driver.Api.PatchAsync($"/subscriptions/{id}", Json.Content(new { pause = true }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
    }

    [Fact]
    public async Task Cancelling_now_stops_renewals_and_frees_the_payment_method()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var subscription = await driver.SubscribeAsync(await driver.ProductAsync(900));
        var id = subscription.Str("subscription_id");
        var customerId = subscription["customer"]!["customer_id"]!.GetValue<string>();
        var method = subscription.Str("payment_method_id");

        // In use by an active subscription: the method cannot be deleted.
        using (var inUse = await driver.Api.DeleteAsync($"/customers/{customerId}/payment-methods/{method}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        }
        var cancelled = await driver.Api.PatchJsonAsync($"/subscriptions/{id}", new { status = "cancelled", cancel_reason = "cancelled_by_merchant" });
        Assert.Equal("cancelled", cancelled.Str("status"));
        using (var freed = await driver.Api.DeleteAsync($"/customers/{customerId}/payment-methods/{method}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, freed.StatusCode);
        }
        app.TestClock.Advance(TimeSpan.FromDays(40));
        Assert.Equal(0, (await driver.RenewAsync()).Renewed);
        Assert.Single(await driver.PaymentsAsync(id));
        Assert.Contains("subscription.cancelled", await driver.EventsAsync());
    }

    [Fact]
    public async Task Pausing_stops_billing_and_resuming_shifts_the_billing_dates_by_the_time_paused()
    {
        using var _ = SubscriptionDriver.Freeze(app);
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var subscription = await driver.SubscribeAsync(await driver.ProductAsync(900));
        var id = subscription.Str("subscription_id");
        var next = SubscriptionDriver.Date(subscription, "next_billing_date");

        // Not allowed until the business allows it.
        using (var forbidden = await driver.Api.PatchAsync($"/subscriptions/{id}", Json.Content(new { pause = true })))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }
        await driver.AllowAsync();
        using (var notAlone = await driver.Api.PatchAsync($"/subscriptions/{id}", Json.Content(new { pause = true, metadata = new { a = "b" } })))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, notAlone.StatusCode);
            Assert.Contains("pause", JsonNode.Parse(await notAlone.Content.ReadAsStringAsync())!.Str("message"), StringComparison.Ordinal);
        }

        app.TestClock.Advance(TimeSpan.FromDays(5));
        var paused = await driver.Api.PatchJsonAsync($"/subscriptions/{id}", new { pause = true });
        Assert.Equal("paused", paused.Str("status"));
        Assert.NotNull(paused["paused_at"]);

        // Paused through its billing date: no charge.
        app.TestClock.Advance(TimeSpan.FromDays(40));
        Assert.Equal(0, (await driver.RenewAsync()).Renewed);

        var resumed = await driver.Api.PatchJsonAsync($"/subscriptions/{id}", new { pause = false });
        Assert.Equal("active", resumed.Str("status"));
        Assert.Null(resumed["paused_at"]);
        Assert.Equal(next.AddDays(40), SubscriptionDriver.Date(resumed, "next_billing_date"));
        Assert.Equal(["subscription.paused", "subscription.unpaused"], (await driver.EventsAsync()).Where(e => e.EndsWith("paused", StringComparison.Ordinal)));

        app.TestClock.Advance(TimeSpan.FromDays(26));
        Assert.Equal(1, (await driver.RenewAsync()).Renewed);
    }
}
