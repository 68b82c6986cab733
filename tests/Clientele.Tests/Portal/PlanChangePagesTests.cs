using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Features.Subscriptions;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Subscriptions;
using Microsoft.Playwright;

namespace Clientele.Tests.Portal;

/// <summary>
/// Plan changes as a customer makes them: choose, preview, confirm. The clock is frozen ten days into
/// the period so the prorated amounts are exact, and each is checked against the pure proration
/// function and the API's own preview.
/// </summary>
[Collection(SerialPortalCollection.Name)]
public sealed class PlanChangePagesTests(ClockedAppFixture app, BrowserFixture browser)
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    [Fact]
    public async Task The_preview_shows_the_exact_prorated_amount_and_confirming_upgrades_at_that_price()
    {
        var (driver, basic, pro, subscription) = await SubscribedAsync("Upgrade Co", basicPrice: 1000, proPrice: 3000, CheckoutDriver.Visa, onBasic: true);
        using var frozen = FreezeTenDaysIn();
        var id = subscription.Str("subscription_id");
        var expected = Quote(subscription, 1000, 3000).Charge;
        Assert.True(expected is > 0 and < 2000, $"{expected}");
        Assert.Equal(expected, await ApiPreviewAsync(driver, id, pro));
        var amount = Dollars(expected);

        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, driver, subscription);
        await page.GotoAsync(page.Url.Replace("/session/overview", $"/session/subscriptions/{id}", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Link, new() { Name = "Change plan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Change the plan of Basic", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Basic, $10.00 per month (your current plan)" })).ToBeCheckedAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Radio, new() { Name = "Pro, $30.00 per month" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "See what it costs" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Change to Pro", Level = 1 })).ToBeVisibleAsync();
        var due = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Amount due now" });
        await Assertions.Expect(due.GetByRole(AriaRole.Cell)).ToHaveTextAsync(amount);
        await Assertions.Expect(page.GetByText("It is charged now to Visa •••• 4242.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(new Regex(@"^From then on you pay \$30\.00 per month; next billing date "))).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Pay {amount} and change plan" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your plan was changed." })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pro", Level = 1 })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        var changed = await driver.GetAsync(id);
        Assert.Equal((pro, "active", 3000L), (changed.Str("product_id"), changed.Str("status"), changed["recurring_pre_tax_amount"]!.GetValue<long>()));
        Assert.Equal(("succeeded", expected, true), (await driver.PaymentsAsync(id))[^1]);
    }

    [Fact]
    public async Task A_downgrade_credits_the_unused_part_to_the_wallet_and_charges_nothing()
    {
        var (driver, basic, _, subscription) = await SubscribedAsync("Downgrade Co", basicPrice: 1000, proPrice: 3000, CheckoutDriver.Visa, onBasic: false);
        using var frozen = FreezeTenDaysIn();
        var id = subscription.Str("subscription_id");
        var credit = Quote(subscription, 3000, 1000).Credit;
        Assert.True(credit is > 0 and < 2000, $"{credit}");
        using var portal = await SignedInClientAsync(driver, subscription);
        var paymentsBefore = (await driver.PaymentsAsync(id)).Count;

        var path = $"/test/session/subscriptions/{id}/change-plan?product={basic}&quantity=1";
        var preview = await portal.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, preview.Status);
        Assert.Matches($@"Credit to your wallet balance\s*</th>\s*<td class=""num"">{Regex.Escape(Dollars(credit))}</td>", preview.Html);
        Assert.Matches(@"Amount due now</strong></th>\s*<td class=""num""><strong>\$0\.00</strong>", preview.Html);
        Assert.Contains("Change plan now", preview.Text, StringComparison.Ordinal);

        var confirmed = await portal.PostFormAsync(path, new Dictionary<string, string> { ["product"] = basic, ["quantity"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, confirmed.Status);
        Assert.EndsWith("done=plan-changed", confirmed.Location, StringComparison.Ordinal);
        Assert.Equal(basic, (await driver.GetAsync(id)).Str("product_id"));
        var wallets = await driver.Api.GetJsonAsync($"/customers/{subscription["customer"]!.Str("customer_id")}/wallets");
        Assert.Equal(credit, wallets["items"]!.AsArray().Single(w => w!.Str("currency") == "USD")!["balance"]!.GetValue<long>());
        Assert.Equal(paymentsBefore, (await driver.PaymentsAsync(id)).Count);
    }

    [Fact]
    public async Task A_declined_upgrade_leaves_the_plan_active_and_unchanged_and_offers_another_card()
    {
        // The collection's own default would apply the change and put it on hold; a customer's click never does.
        var (driver, basic, pro, subscription) = await SubscribedAsync("Declined Upgrade Co", basicPrice: 1000, proPrice: 3000, CheckoutDriver.SucceedsOnce, onBasic: true);
        using var frozen = FreezeTenDaysIn();
        var id = subscription.Str("subscription_id");
        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, driver, subscription);
        await page.GotoAsync(page.Url.Replace("/session/overview", $"/session/subscriptions/{id}/change-plan?product={pro}&quantity=1", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex(@"^Pay \$.* and change plan$") }).ClickAsync();

        var alert = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("The payment was declined: the card was declined.");
        await Assertions.Expect(alert).ToContainTextAsync("Your plan has not changed");
        await Assertions.Expect(alert).ToBeFocusedAsync();
        await Assertions.Expect(alert.GetByRole(AriaRole.Link, new() { Name = "Use another card" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        var after = await driver.GetAsync(id);
        Assert.Equal((basic, "active", 1000L), (after.Str("product_id"), after.Str("status"), after["recurring_pre_tax_amount"]!.GetValue<long>()));
        Assert.Equal("failed", (await driver.PaymentsAsync(id))[^1].Status);
        Assert.DoesNotContain("subscription_on_hold", await driver.EmailKindsAsync());

        await alert.GetByRole(AriaRole.Link, new() { Name = "Use another card" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment method for Basic" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Plan_changes_are_not_offered_where_the_business_does_not_allow_them_and_refused_on_the_server()
    {
        var (driver, _, pro, subscription) = await SubscribedAsync("No Changes Co", basicPrice: 1000, proPrice: 3000, CheckoutDriver.Visa, onBasic: true);
        await driver.AllowAsync(planChanges: false);
        var id = subscription.Str("subscription_id");
        using var portal = await SignedInClientAsync(driver, subscription);

        var detail = await portal.GetAsync($"/test/session/subscriptions/{id}");
        Assert.Equal(HttpStatusCode.OK, detail.Status);
        Assert.DoesNotContain("Change plan", detail.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await portal.GetAsync($"/test/session/subscriptions/{id}/plans")).Status);
        var path = $"/test/session/subscriptions/{id}/change-plan?product={pro}&quantity=1";
        Assert.Equal(HttpStatusCode.Forbidden, (await portal.GetAsync(path)).Status);
        var post = await portal.PostFormAsync(path, new Dictionary<string, string> { ["product"] = pro, ["quantity"] = "1" });
        Assert.Equal(HttpStatusCode.Forbidden, post.Status);
        Assert.Contains("This business does not allow plan changes.", post.Text, StringComparison.Ordinal);
        Assert.NotEqual(pro, (await driver.GetAsync(id)).Str("product_id"));
    }

    [Fact]
    public async Task The_portal_uses_the_business_proration_mode_and_another_customers_subscription_is_not_found()
    {
        var (driver, _, pro, subscription) = await SubscribedAsync("Full Price Co", basicPrice: 1000, proPrice: 3000, CheckoutDriver.Visa, onBasic: true);
        var refused = await driver.Api.PatchAsync("/settings/subscriptions", Json.Content(new { portal_proration_mode = "sometimes" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("portal_proration_mode", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var settings = await driver.Api.PatchJsonAsync("/settings/subscriptions", new { portal_proration_mode = "full_immediately" });
        Assert.Equal("full_immediately", settings.Str("portal_proration_mode"));
        Assert.True(settings["allow_plan_changes"]!.GetValue<bool>());
        var id = subscription.Str("subscription_id");
        using var portal = await SignedInClientAsync(driver, subscription);

        var preview = await portal.GetAsync($"/test/session/subscriptions/{id}/change-plan?product={pro}&quantity=1");
        Assert.Contains("A full period of the new plan, starting today", preview.Text, StringComparison.Ordinal);
        Assert.Contains("Pay $30.00 and change plan", preview.Text, StringComparison.Ordinal);

        var other = await driver.SubscribeAsync(pro);
        var otherPath = $"/test/session/subscriptions/{other.Str("subscription_id")}/change-plan?product={pro}&quantity=1";
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync(otherPath)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync($"/test/session/subscriptions/{other.Str("subscription_id")}/plans")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.PostFormAsync(otherPath, new Dictionary<string, string> { ["product"] = pro, ["quantity"] = "1" })).Status);
    }

    /// <summary>A business allowing plan changes, Basic and Pro monthly in one collection whose default applies a change whose charge fails, and a subscription to one of them.</summary>
    private async Task<(SubscriptionDriver Driver, string Basic, string Pro, JsonNode Subscription)> SubscribedAsync(string businessName, long basicPrice, long proPrice, string card, bool onBasic)
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync(businessName));
        await driver.AllowAsync(planChanges: true);
        var basic = await driver.ProductAsync(basicPrice, "Basic");
        var pro = await driver.ProductAsync(proPrice, "Pro");
        await driver.Api.PostJsonAsync("/product-collections", new
        {
            name = "Plans",
            on_payment_failure = "apply_change",
            groups = new[] { new { group_name = "Tiers", products = new[] { new { product_id = basic }, new { product_id = pro } } } },
        });
        var subscription = await driver.SubscribeAsync(onBasic ? basic : pro, card);
        return (driver, basic, pro, subscription);
    }

    /// <summary>Stops the clock ten days into the period; time runs again when disposed.</summary>
    private Unfreeze FreezeTenDaysIn()
    {
        app.TestClock.Freeze(app.TestClock.GetUtcNow() + TimeSpan.FromDays(10));
        return new Unfreeze(app.TestClock);
    }

    private ProrationQuote Quote(JsonNode subscription, long oldAmount, long newAmount) => Proration.Quote(ProrationModes.ProratedImmediately, oldAmount, newAmount,
        SubscriptionDriver.Date(subscription, "previous_billing_date"), SubscriptionDriver.Date(subscription, "next_billing_date"), app.TestClock.GetUtcNow().UtcDateTime);

    private static async Task<long> ApiPreviewAsync(SubscriptionDriver driver, string id, string productId) =>
        (await driver.Api.PostJsonAsync($"/subscriptions/{id}/change-plan/preview", new { product_id = productId, quantity = 1, proration_billing_mode = "prorated_immediately" }))
            ["immediate_charge"]!["summary"]!["total_amount"]!.GetValue<long>();

    private static string Dollars(long cents) => (cents / 100m).ToString("C2", English);

    private static async Task<IPage> SignedInPageAsync(IBrowserContext context, SubscriptionDriver driver, JsonNode subscription)
    {
        var link = (await driver.Api.PostJsonAsync($"/customers/{subscription["customer"]!.Str("customer_id")}/customer-portal/session", "")).Str("link");
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.WaitForURLAsync(new Regex("/session/overview$"));
        return page;
    }

    private async Task<PortalClient> SignedInClientAsync(SubscriptionDriver driver, JsonNode subscription)
    {
        var portal = new PortalClient(app.BaseAddress);
        var redeemed = await PortalTestData.RedeemAsync(portal, await PortalTestData.DynamicLinkPathAsync(driver.Api, subscription["customer"]!.Str("customer_id")));
        Assert.Equal(HttpStatusCode.Redirect, redeemed.Status);
        return portal;
    }

    private sealed class Unfreeze(TestClock clock) : IDisposable
    {
        public void Dispose() => clock.Unfreeze();
    }
}
