using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Subscriptions;

/// <summary>Plan changes in each proration mode, on a still clock so every amount is exact.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class PlanChangeTests(ClockedAppFixture app)
{
    private sealed record Setup(SubscriptionDriver Driver, string Basic, string Pro, string Id, string CustomerId, DateTime Start);

    private async Task<Setup> SubscribeToBasicAsync(string card = CheckoutDriver.Visa)
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Tiered SaaS"));
        await driver.AllowAsync();
        var basic = await driver.ProductAsync(1000, "Basic");
        var pro = await driver.ProductAsync(3000, "Pro");
        await driver.CollectionAsync(basic, pro);
        var subscription = await driver.SubscribeAsync(basic, card);
        return new Setup(driver, basic, pro, subscription.Str("subscription_id"), subscription["customer"]!["customer_id"]!.GetValue<string>(),
            SubscriptionDriver.Date(subscription, "previous_billing_date"));
    }

    private static object Change(string productId, string mode, int quantity = 1, string? effectiveAt = null, string? onPaymentFailure = null) =>
        new { product_id = productId, quantity, proration_billing_mode = mode, effective_at = effectiveAt, on_payment_failure = onPaymentFailure };

    /// <summary>(new − old) × left / period, rounded half away from zero, computed independently in decimal.</summary>
    private static long Prorated(long difference, DateTime start, DateTime now) =>
        (long)Math.Round(difference * (decimal)(start.AddMonths(1) - now).Ticks / (start.AddMonths(1) - start).Ticks, MidpointRounding.AwayFromZero);

    [Fact]
    public async Task Prorated_upgrade_charges_the_exact_difference_for_the_days_left_and_keeps_the_dates()
    {
        using var _ = SubscriptionDriver.Freeze(app);
        var s = await SubscribeToBasicAsync();
        app.TestClock.Advance(TimeSpan.FromDays(10) + TimeSpan.FromHours(7));
        var now = app.TestClock.GetUtcNow().UtcDateTime;
        var expected = Prorated(2000, s.Start, now);

        var preview = await s.Driver.Api.PostJsonAsync($"/subscriptions/{s.Id}/change-plan/preview", Change(s.Pro, "prorated_immediately"));
        Assert.Equal(expected, preview["immediate_charge"]!["summary"]!["total_amount"]!.GetValue<long>());
        Assert.Equal(s.Pro, preview["new_plan"]!.Str("product_id"));
        Assert.Equal(3000, preview["new_plan"]!["recurring_pre_tax_amount"]!.GetValue<long>());
        Assert.Equal(s.Basic, (await s.Driver.GetAsync(s.Id)).Str("product_id")); // a preview changes nothing

        var changed = await s.Driver.Api.PostJsonAsync($"/subscriptions/{s.Id}/change-plan", Change(s.Pro, "prorated_immediately"));
        var payment = await s.Driver.Api.GetJsonAsync($"/payments/{changed.Str("payment_id")}");
        Assert.Equal(("succeeded", expected), (payment.Str("status"), payment["total_amount"]!.GetValue<long>()));
        var subscription = await s.Driver.GetAsync(s.Id);
        Assert.Equal((s.Pro, 3000L), (subscription.Str("product_id"), subscription["recurring_pre_tax_amount"]!.GetValue<long>()));
        Assert.Equal(s.Start.AddMonths(1), SubscriptionDriver.Date(subscription, "next_billing_date"));
        Assert.Contains("subscription.plan_changed", await s.Driver.EventsAsync());

        // The next renewal bills the new price.
        app.TestClock.Advance(TimeSpan.FromDays(25));
        Assert.Equal(1, (await s.Driver.RenewAsync()).Renewed);
        Assert.Equal(("succeeded", 3000L, true), (await s.Driver.PaymentsAsync(s.Id))[^1]);
    }

    [Fact]
    public async Task Prorated_downgrade_credits_the_wallet_which_the_next_renewal_uses_first()
    {
        using var _ = SubscriptionDriver.Freeze(app);
        var s = await SubscribeToBasicAsync();
        await s.Driver.Api.PostJsonAsync($"/subscriptions/{s.Id}/change-plan", Change(s.Pro, "do_not_bill"));
        app.TestClock.Advance(TimeSpan.FromDays(20));
        var credit = Prorated(2000, s.Start, app.TestClock.GetUtcNow().UtcDateTime);

        var preview = await s.Driver.Api.PostJsonAsync($"/subscriptions/{s.Id}/change-plan/preview", Change(s.Basic, "prorated_immediately"));
        Assert.Equal((0L, credit), (preview["immediate_charge"]!["summary"]!["total_amount"]!.GetValue<long>(), preview["immediate_charge"]!["summary"]!["customer_credits"]!.GetValue<long>()));
        var changed = await s.Driver.Api.PostJsonAsync($"/subscriptions/{s.Id}/change-plan", Change(s.Basic, "prorated_immediately"));
        Assert.Null(changed["payment_id"]);
        Assert.Equal(credit, await s.Driver.WalletBalanceAsync(s.CustomerId));

        // Renewal: 1000 due, the wallet pays min(credit, 1000), the card the rest.
        app.TestClock.Advance(TimeSpan.FromDays(12));
        var chargesBefore = await s.Driver.ProcessorChargesAsync();
        Assert.Equal(1, (await s.Driver.RenewAsync()).Renewed);
        Assert.Equal(("succeeded", 1000L, true), (await s.Driver.PaymentsAsync(s.Id))[^1]);
        Assert.Equal(Math.Max(0, credit - 1000), await s.Driver.WalletBalanceAsync(s.CustomerId));
        Assert.Equal(chargesBefore + (credit >= 1000 ? 0 : 1), await s.Driver.ProcessorChargesAsync());
    }

    [Fact]
    public async Task Full_immediately_charges_the_whole_new_price_and_starts_a_new_period_now()
    {
        using var _ = SubscriptionDriver.Freeze(app);
        var s = await SubscribeToBasicAsync();
        app.TestClock.Advance(TimeSpan.FromDays(9));
        var now = app.TestClock.GetUtcNow().UtcDateTime;
        var changed = await s.Driver.Api.PostJsonAsync($"/subscriptions/{s.Id}/change-plan", Change(s.Pro, "full_immediately", quantity: 2));
        var payment = await s.Driver.Api.GetJsonAsync($"/payments/{changed.Str("payment_id")}");
        Assert.Equal(6000, payment["total_amount"]!.GetValue<long>());
        var subscription = await s.Driver.GetAsync(s.Id);
        Assert.Equal((2, 6000L), (subscription["quantity"]!.GetValue<int>(), subscription["recurring_pre_tax_amount"]!.GetValue<long>()));
        Assert.Equal((now, now.AddMonths(1)), (SubscriptionDriver.Date(subscription, "previous_billing_date"), SubscriptionDriver.Date(subscription, "next_billing_date")));
    }

    [Fact]
    public async Task Difference_immediately_charges_an_upgrade_and_credits_a_downgrade_in_full()
    {
        using var _ = SubscriptionDriver.Freeze(app);
        var s = await SubscribeToBasicAsync();
        app.TestClock.Advance(TimeSpan.FromDays(27));
        var up = await s.Driver.Api.PostJsonAsync($"/subscriptions/{s.Id}/change-plan", Change(s.Pro, "difference_immediately"));
        Assert.Equal(2000, (await s.Driver.Api.GetJsonAsync($"/payments/{up.Str("payment_id")}"))["total_amount"]!.GetValue<long>());
        var down = await s.Driver.Api.PostJsonAsync($"/subscriptions/{s.Id}/change-plan", Change(s.Basic, "difference_immediately"));
        Assert.Null(down["payment_id"]);
        Assert.Equal(2000, await s.Driver.WalletBalanceAsync(s.CustomerId));
        Assert.Equal(s.Start.AddMonths(1), SubscriptionDriver.Date(await s.Driver.GetAsync(s.Id), "next_billing_date"));
    }

    [Fact]
    public async Task A_change_scheduled_for_the_next_billing_date_applies_at_renewal_and_can_be_deleted_before()
    {
        using var _ = SubscriptionDriver.Freeze(app);
        var s = await SubscribeToBasicAsync();
        await s.Driver.Api.PostJsonAsync($"/subscriptions/{s.Id}/change-plan", Change(s.Pro, "prorated_immediately", effectiveAt: "next_billing_date"));
        var subscription = await s.Driver.GetAsync(s.Id);
        Assert.Equal(s.Basic, subscription.Str("product_id"));
        Assert.Equal(s.Pro, subscription["scheduled_change"]!.Str("product_id"));
        Assert.Equal(s.Start.AddMonths(1), SubscriptionDriver.Date(subscription["scheduled_change"]!, "effective_at"));

        // A second change while one is scheduled is a conflict.
        using (var conflict = await s.Driver.Api.PostAsync($"/subscriptions/{s.Id}/change-plan", Json.Content(Change(s.Pro, "do_not_bill", quantity: 3))))
        {
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        }
        using (var deleted = await s.Driver.Api.DeleteAsync($"/subscriptions/{s.Id}/change-plan/scheduled"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var none = await s.Driver.Api.DeleteAsync($"/subscriptions/{s.Id}/change-plan/scheduled"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }
        Assert.Null((await s.Driver.GetAsync(s.Id))["scheduled_change"]);

        await s.Driver.Api.PostJsonAsync($"/subscriptions/{s.Id}/change-plan", Change(s.Pro, "prorated_immediately", quantity: 2, effectiveAt: "next_billing_date"));
        app.TestClock.Advance(TimeSpan.FromDays(32));
        Assert.Equal(1, (await s.Driver.RenewAsync()).Renewed);
        subscription = await s.Driver.GetAsync(s.Id);
        Assert.Equal((s.Pro, 2, 6000L), (subscription.Str("product_id"), subscription["quantity"]!.GetValue<int>(), subscription["recurring_pre_tax_amount"]!.GetValue<long>()));
        Assert.Null(subscription["scheduled_change"]);
        Assert.Equal(("succeeded", 6000L, true), (await s.Driver.PaymentsAsync(s.Id))[^1]);
    }

    [Fact]
    public async Task A_declined_upgrade_with_prevent_change_keeps_the_plan_and_with_apply_change_puts_it_on_hold()
    {
        using var _ = SubscriptionDriver.Freeze(app);
        var s = await SubscribeToBasicAsync(CheckoutDriver.SucceedsOnce);
        app.TestClock.Advance(TimeSpan.FromDays(5));

        using (var refused = await s.Driver.Api.PostAsync($"/subscriptions/{s.Id}/change-plan", Json.Content(Change(s.Pro, "full_immediately", onPaymentFailure: "prevent_change"))))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Equal("PAYMENT_FAILED", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!.Str("code"));
        }
        var subscription = await s.Driver.GetAsync(s.Id);
        Assert.Equal((s.Basic, "active"), (subscription.Str("product_id"), subscription.Str("status")));

        await s.Driver.Api.PostJsonAsync($"/subscriptions/{s.Id}/change-plan", Change(s.Pro, "full_immediately", onPaymentFailure: "apply_change"));
        subscription = await s.Driver.GetAsync(s.Id);
        Assert.Equal((s.Pro, "on_hold"), (subscription.Str("product_id"), subscription.Str("status")));
    }

    [Fact]
    public async Task Plan_changes_are_refused_outside_the_collection_for_one_time_products_and_when_the_business_disallows_them()
    {
        var s = await SubscribeToBasicAsync();
        var outsider = await s.Driver.ProductAsync(5000, "Enterprise");
        var oneTime = await s.Driver.Checkout.ProductAsync(5000);
        foreach (var (body, field) in new[]
        {
            (Change(outsider, "prorated_immediately"), "product_id"),
            (Change(oneTime, "prorated_immediately"), "product_id"),
            (Change("pdt_unknown", "prorated_immediately"), "product_id"),
            (Change(s.Basic, "prorated_immediately"), "product_id"),
            (Change(s.Pro, "sometimes"), "proration_billing_mode"),
            (Change(s.Pro, "do_not_bill", quantity: 0), "quantity"),
        })
        {
            using var response = await s.Driver.Api.PostAsync($"/subscriptions/{s.Id}/change-plan", Json.Content(body));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains(field, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("message"), StringComparison.Ordinal);
        }
        await s.Driver.AllowAsync(planChanges: false);
        using var forbidden = await s.Driver.Api.PostAsync($"/subscriptions/{s.Id}/change-plan/preview", Json.Content(Change(s.Pro, "prorated_immediately")));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(s.Basic, (await s.Driver.GetAsync(s.Id)).Str("product_id"));
        Assert.Single(await s.Driver.PaymentsAsync(s.Id));
    }
}
