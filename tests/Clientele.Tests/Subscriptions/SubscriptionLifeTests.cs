using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Subscriptions;

/// <summary>Whole subscription lives on a fake clock: trial, renewals, a failing card, on hold, reactivation by paying the dues.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class SubscriptionLifeTests(ClockedAppFixture app)
{
    [Fact]
    public async Task Trial_renewals_failing_card_on_hold_then_a_new_card_pays_the_dues_and_reactivates()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Lifecycle SaaS"));
        var product = await driver.ProductAsync(1000, trialDays: 7);
        // This card pays once, then declines every later charge.
        var subscription = await driver.SubscribeAsync(product, CheckoutDriver.SucceedsOnce);
        var id = subscription.Str("subscription_id");
        Assert.Equal("active", subscription.Str("status"));
        Assert.Equal(7, subscription["trial_period_days"]!.GetValue<int>());
        var trialEnd = SubscriptionDriver.Date(subscription, "next_billing_date");
        Assert.InRange(trialEnd - SubscriptionDriver.Date(subscription, "previous_billing_date"), TimeSpan.FromDays(7) - TimeSpan.FromSeconds(5), TimeSpan.FromDays(7) + TimeSpan.FromSeconds(5));
        Assert.Equal([("succeeded", 0L, false)], await driver.PaymentsAsync(id));

        // Nothing is due during the trial; three days before its end the customer is told once.
        Assert.Equal((0, 0), ((await driver.RenewAsync()).Renewed, (await driver.RenewAsync()).Notices));
        app.TestClock.Advance(TimeSpan.FromDays(5));
        var pass = await driver.RenewAsync();
        Assert.Equal((0, 1), (pass.Renewed, pass.Notices));
        Assert.Equal(0, (await driver.RenewAsync()).Notices);

        // Trial ends: the first period is charged (the card's one success).
        app.TestClock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        pass = await driver.RenewAsync();
        Assert.Equal((1, 0), (pass.Renewed, pass.Failed));
        subscription = await driver.GetAsync(id);
        Assert.Equal("active", subscription.Str("status"));
        Assert.Equal(trialEnd, SubscriptionDriver.Date(subscription, "previous_billing_date"));
        Assert.Equal(trialEnd.AddMonths(1), SubscriptionDriver.Date(subscription, "next_billing_date"));
        Assert.Equal(("succeeded", 1000L, true), (await driver.PaymentsAsync(id))[1]);

        // Running again at once charges nothing more.
        Assert.Equal(0, (await driver.RenewAsync()).Renewed);

        // Next month the card declines: on hold, no service, no further renewals.
        app.TestClock.Advance(TimeSpan.FromDays(31));
        pass = await driver.RenewAsync();
        Assert.Equal((0, 1), (pass.Renewed, pass.Failed));
        subscription = await driver.GetAsync(id);
        Assert.Equal("on_hold", subscription.Str("status"));
        Assert.Equal(("failed", 1000L, false), (await driver.PaymentsAsync(id))[2]);
        app.TestClock.Advance(TimeSpan.FromDays(31));
        pass = await driver.RenewAsync();
        Assert.Equal((0, 0), (pass.Renewed, pass.Failed));
        Assert.Equal(3, (await driver.PaymentsAsync(id)).Count);

        // A new card through the hosted page pays the dues; the subscription is active again from now.
        var update = await driver.Api.PostJsonAsync($"/subscriptions/{id}/update-payment-method", new { type = "new" });
        var duesPaymentId = update.Str("payment_id");
        var paid = await driver.Checkout.PaySuccessfullyAsync(new Uri(update.Str("payment_link")).AbsolutePath, CheckoutDriver.Visa);
        Assert.Equal(duesPaymentId, paid.Str("payment_id"));
        Assert.Equal("succeeded", paid.Str("status"));
        Assert.Equal(1000, paid["total_amount"]!.GetValue<long>());
        Assert.NotNull(paid["invoice_id"]);
        subscription = await driver.GetAsync(id);
        Assert.Equal("active", subscription.Str("status"));
        Assert.Equal(paid["payment_method_id"]!.GetValue<string>(), subscription.Str("payment_method_id"));
        var now = app.TestClock.GetUtcNow().UtcDateTime;
        Assert.InRange(SubscriptionDriver.Date(subscription, "next_billing_date") - now.AddMonths(1), TimeSpan.FromSeconds(-5), TimeSpan.FromSeconds(5));

        var events = await driver.EventsAsync();
        var tail = events.SkipWhile(e => e != "subscription.on_hold").ToList();
        Assert.Equal(["subscription.on_hold", "payment.succeeded", "subscription.active"], tail);
        Assert.Equal(2, await driver.ProcessorChargesAsync("succeeded"));
        var mails = await driver.EmailKindsAsync();
        Assert.Equal(1, mails.Count(k => k == "subscription_on_hold"));
        Assert.Equal(1, mails.Count(k => k == "subscription_reactivated"));
        Assert.Equal(1, mails.Count(k => k == "subscription_upcoming_renewal"));

        // And it renews normally afterwards.
        app.TestClock.Advance(TimeSpan.FromDays(32));
        Assert.Equal(1, (await driver.RenewAsync()).Renewed);
    }

    [Fact]
    public async Task An_existing_declining_method_leaves_the_subscription_on_hold_and_a_good_one_reactivates_it()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var product = await driver.ProductAsync(2500);
        var subscription = await driver.SubscribeAsync(product, CheckoutDriver.SucceedsOnce);
        var id = subscription.Str("subscription_id");
        var customerId = subscription["customer"]!["customer_id"]!.GetValue<string>();
        app.TestClock.Advance(TimeSpan.FromDays(32));
        Assert.Equal(1, (await driver.RenewAsync()).Failed);

        // The saved card keeps declining; a second card is saved through a one-time purchase.
        var declining = subscription.Str("payment_method_id");
        var good = await SaveCardAsync(driver, customerId, CheckoutDriver.Mastercard);

        var attempt = await driver.Api.PostJsonAsync($"/subscriptions/{id}/update-payment-method", new { type = "existing", payment_method_id = declining });
        Assert.Equal("failed", (await driver.Api.GetJsonAsync($"/payments/{attempt.Str("payment_id")}")).Str("status"));
        Assert.Equal("on_hold", (await driver.GetAsync(id)).Str("status"));

        var retry = await driver.Api.PostJsonAsync($"/subscriptions/{id}/update-payment-method", new { type = "existing", payment_method_id = good });
        var payment = await driver.Api.GetJsonAsync($"/payments/{retry.Str("payment_id")}");
        Assert.Equal("succeeded", payment.Str("status"));
        Assert.Equal(2500, payment["total_amount"]!.GetValue<long>());
        Assert.True(payment["is_update_payment_method"]!.GetValue<bool>());
        var active = await driver.GetAsync(id);
        Assert.Equal("active", active.Str("status"));
        Assert.Equal(good, active.Str("payment_method_id"));

        // Paying the dues settled them: a second update with a good card charges nothing.
        var again = await driver.Api.PostJsonAsync($"/subscriptions/{id}/update-payment-method", new { type = "existing", payment_method_id = good });
        Assert.Null(again["payment_id"]);
    }

    [Fact]
    public async Task License_keys_follow_the_subscription_one_per_seat_off_while_on_hold_on_again_when_reactivated_off_when_cancelled()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync());
        var product = (await driver.Api.PostJsonAsync("/products", new
        {
            name = "Seats",
            tax_category = "saas",
            price = SubscriptionDriver.RecurringPrice(1500),
            license_key_enabled = true,
            license_key_activations_limit = 1,
        })).Str("product_id");
        var subscription = await driver.SubscribeAsync(product, CheckoutDriver.SucceedsOnce, quantity: 3);
        var id = subscription.Str("subscription_id");
        async Task<List<string>> StatusesAsync() =>
            [.. (await driver.Api.GetJsonAsync($"/license_keys?product_id={product}"))["items"]!.AsArray().Select(k => k!.Str("status"))];
        Assert.Equal(["active", "active", "active"], await StatusesAsync());
        Assert.Equal(3, (await driver.EventsAsync()).Count(e => e == "license_key.created"));

        app.TestClock.Advance(TimeSpan.FromDays(32));
        Assert.Equal(1, (await driver.RenewAsync()).Failed);
        Assert.Equal(["disabled", "disabled", "disabled"], await StatusesAsync());

        var update = await driver.Api.PostJsonAsync($"/subscriptions/{id}/update-payment-method", new { type = "new" });
        await driver.Checkout.PaySuccessfullyAsync(new Uri(update.Str("payment_link")).AbsolutePath);
        Assert.Equal(["active", "active", "active"], await StatusesAsync());
        Assert.Equal(3, (await driver.EventsAsync()).Count(e => e == "license_key.created"));

        await driver.Api.PatchJsonAsync($"/subscriptions/{id}", new { status = "cancelled" });
        Assert.Equal(["disabled", "disabled", "disabled"], await StatusesAsync());
    }

    /// <summary>Saves a card for a customer the way customers do: by paying with it.</summary>
    private static async Task<string> SaveCardAsync(SubscriptionDriver driver, string customerId, string card)
    {
        var oneTime = await driver.Checkout.ProductAsync(100);
        var session = await driver.Api.PostJsonAsync("/checkouts", new
        {
            product_cart = new[] { new { product_id = oneTime, quantity = 1 } },
            customer = new { customer_id = customerId },
            billing_address = new { country = "US" },
        });
        return (await driver.Checkout.PaySuccessfullyAsync(new Uri(session.Str("checkout_url")).AbsolutePath, card)).Str("payment_method_id");
    }
}
