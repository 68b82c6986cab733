using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Subscriptions;
using Dapper;
using Microsoft.Playwright;
using Npgsql;

namespace Clientele.Tests.Portal;

/// <summary>
/// Payment methods and reactivation as a customer does them: Chromium at phone width, by role and
/// name, axe-core light and dark; an on-hold subscription comes from a card that pays once and then
/// declines, and a renewal run on the moved clock.
/// </summary>
[Collection(SerialPortalCollection.Name)]
public sealed class PaymentMethodPagesTests(ClockedAppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task An_on_hold_subscription_shows_its_dues_and_a_new_card_on_the_hosted_page_pays_them_and_reactivates_it()
    {
        var (driver, subscription, _) = await OnHoldAsync("Reactivate Co");
        var receiptsBefore = (await driver.EmailKindsAsync()).Count(k => k == "payment_receipt");
        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, driver, subscription);

        await page.GotoAsync(page.Url.Replace("/session/overview", $"/session/subscriptions/{subscription.Str("subscription_id")}", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByText("On hold", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(new Regex(@"Amount due: \$12\.00\."))).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Change payment method" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment method for Pro Plan" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(new Regex(@"^You will be charged \$12\.00 now\."))).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { NameRegex = new Regex(@"•••• 0341, expires .* \(current\)$") })).ToBeCheckedAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Radio, new() { Name = "A new card" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm changes" }).ClickAsync();

        // The hosted payment page takes the dues with the new card, then returns to the portal.
        await page.WaitForURLAsync(new Regex("/checkout/"));
        await page.GetByLabel("Card number").FillAsync(CheckoutDriver.Visa);
        await page.GetByLabel("Expiry date").FillAsync(TestCardDates.Expiry);
        await page.GetByLabel("Security code (CVC)").FillAsync("123");
        await page.GetByLabel("Name on card").FillAsync("Sam Subscriber");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay $12.00" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/payment-method/result\\?payment_id="));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your subscription is active again", Level = 1 })).ToBeVisibleAsync();
        var summary = page.GetByRole(AriaRole.Region, new() { Name = "Pro Plan" });
        await Assertions.Expect(summary.GetByText("$12.00", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(summary.GetByText("Active", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(summary.GetByText(new Regex("•••• 4242"))).ToBeVisibleAsync();
        await Assertions.Expect(summary.GetByRole(AriaRole.Link, new() { Name = "Download invoice" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        var active = await driver.GetAsync(subscription.Str("subscription_id"));
        Assert.Equal("active", active.Str("status"));
        var nextBilling = SubscriptionDriver.Date(active, "next_billing_date");
        await Assertions.Expect(summary.GetByText(nextBilling.ToString("D", System.Globalization.CultureInfo.GetCultureInfo("en-US")))).ToBeVisibleAsync();
        var mails = await driver.EmailKindsAsync();
        Assert.Equal(receiptsBefore + 1, mails.Count(k => k == "payment_receipt"));
        Assert.Equal(1, mails.Count(k => k == "subscription_reactivated"));
    }

    [Fact]
    public async Task A_declining_saved_card_leaves_the_subscription_on_hold_and_the_page_says_why()
    {
        var (driver, subscription, _) = await OnHoldAsync("Decline Co");
        var id = subscription.Str("subscription_id");
        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, driver, subscription);
        await page.GotoAsync(page.Url.Replace("/session/overview", $"/session/subscriptions/{id}/payment-method", StringComparison.Ordinal));

        // The card that put it on hold still declines: the charge fails, nothing else changes.
        await page.GetByRole(AriaRole.Radio, new() { NameRegex = new Regex("•••• 0341") }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm changes" }).ClickAsync();
        var alert = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("The payment was declined: the card was declined.");
        await Assertions.Expect(alert).ToContainTextAsync("Your subscription is still on hold.");
        await Assertions.Expect(alert).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = "A new card" })).ToBeCheckedAsync();
        await Accessibility.AssertCleanAsync(page);

        Assert.Equal("on_hold", (await driver.GetAsync(id)).Str("status"));
        Assert.Equal(0, (await driver.EmailKindsAsync()).Count(k => k == "subscription_reactivated"));
    }

    [Fact]
    public async Task A_double_submitted_confirmation_with_a_saved_card_pays_the_dues_once()
    {
        var (driver, subscription, customerId) = await OnHoldAsync("Double Pay Co");
        var id = subscription.Str("subscription_id");
        var good = await SaveCardAsync(driver, customerId, CheckoutDriver.Mastercard);
        var chargesBefore = await driver.ProcessorChargesAsync("succeeded");
        using var portal = await SignedInClientAsync(driver, customerId);
        var path = $"/test/session/subscriptions/{id}/payment-method";
        await portal.GetAsync(path);
        var fields = new Dictionary<string, string> { ["Choice"] = good };
        var answers = await Task.WhenAll(portal.PostFormAsync(path, fields), portal.PostFormAsync(path, fields));

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Redirect or HttpStatusCode.Conflict, $"{a.Status}"));
        Assert.Contains(answers, a => a.Status == HttpStatusCode.Redirect);
        Assert.Equal("active", (await driver.GetAsync(id)).Str("status"));
        Assert.Equal(chargesBefore + 1, await driver.ProcessorChargesAsync("succeeded"));
        Assert.Equal(1, (await driver.EmailKindsAsync()).Count(k => k == "subscription_reactivated"));
    }

    [Fact]
    public async Task A_customer_removes_an_unused_card_but_not_the_one_a_subscription_uses()
    {
        var business = await app.CreateBusinessAsync("Cards Co");
        var driver = new SubscriptionDriver(app, business);
        var subscription = await driver.SubscribeAsync(await driver.ProductAsync(1200, "Pro Plan"));
        var customerId = subscription["customer"]!.Str("customer_id");
        var spare = await SaveCardAsync(driver, customerId, CheckoutDriver.Mastercard);
        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, driver, subscription);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Portal sections" }).GetByRole(AriaRole.Link, new() { Name = "Payment methods" }).ClickAsync();
        var used = page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Visa •••• 4242" }) });
        var unused = page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("•••• 4444$") }) });
        await Assertions.Expect(used.GetByRole(AriaRole.Link, new() { Name = "Pro Plan" })).ToBeVisibleAsync();
        await Assertions.Expect(used.GetByRole(AriaRole.Button, new() { Name = "Remove" })).ToBeDisabledAsync();
        await Assertions.Expect(used.GetByText("This card pays for a subscription, so it cannot be removed.", new() { Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(unused.GetByText("No subscription")).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        await unused.GetByRole(AriaRole.Link, new() { Name = "Remove" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex(@"^Remove .*•••• 4444\?$") })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove this card" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "The card was removed." })).ToBeVisibleAsync();
        await Assertions.Expect(unused).ToHaveCountAsync(0);
        await Accessibility.AssertCleanAsync(page);
        var saved = await SavedCardsAsync(driver, customerId);
        Assert.Equal([subscription.Str("payment_method_id")], saved);
        Assert.DoesNotContain(spare, saved);

        // A hand-made removal of the card in use is refused by the operation, with the explanation.
        using var portal = await SignedInClientAsync(driver, customerId);
        var path = $"/test/session/payment-methods/{subscription.Str("payment_method_id")}/remove";
        var confirm = await portal.GetAsync(path);
        Assert.Contains("This card pays for a subscription", confirm.Text, StringComparison.Ordinal);
        var refused = await portal.PostFormAsync(path);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("id=\"error-summary\"", refused.Html, StringComparison.Ordinal);
        Assert.Equal([subscription.Str("payment_method_id")], await SavedCardsAsync(driver, customerId));
    }

    [Fact]
    public async Task Another_customers_subscription_and_card_are_not_found_and_unchanged()
    {
        var (driver, mine, _) = await OnHoldAsync("Two Customers Cards Co");
        var (_, other, _) = await OnHoldAsync(null, driver);
        var otherId = other.Str("subscription_id");
        var otherCard = other.Str("payment_method_id");
        using var portal = await SignedInClientAsync(driver, mine["customer"]!.Str("customer_id"));

        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync($"/test/session/subscriptions/{otherId}/payment-method")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync($"/test/session/subscriptions/{otherId}/payment-method/result")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync($"/test/session/payment-methods/{otherCard}/remove")).Status);
        await portal.GetAsync($"/test/session/subscriptions/{mine.Str("subscription_id")}/payment-method");
        var post = await portal.PostFormAsync($"/test/session/subscriptions/{otherId}/payment-method", new Dictionary<string, string> { ["Choice"] = otherCard });
        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.PostFormAsync($"/test/session/payment-methods/{otherCard}/remove")).Status);
        // Nor can the other customer's card pay for this customer's subscription.
        var mixed = await portal.PostFormAsync($"/test/session/subscriptions/{mine.Str("subscription_id")}/payment-method", new Dictionary<string, string> { ["Choice"] = otherCard });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mixed.Status);

        Assert.Equal("on_hold", (await driver.GetAsync(otherId)).Str("status"));
        Assert.Equal("on_hold", (await driver.GetAsync(mine.Str("subscription_id"))).Str("status"));
        Assert.Equal([otherCard], await SavedCardsAsync(driver, other["customer"]!.Str("customer_id")));
        Assert.Equal(2, (await driver.PaymentsAsync(otherId)).Count);
    }

    [Fact]
    public async Task A_customer_without_a_subscription_adds_a_card_on_the_hosted_page_and_sees_it_back_in_the_portal()
    {
        var business = await app.CreateBusinessAsync("Add Card Co");
        var driver = new SubscriptionDriver(app, business);
        var customerId = (await driver.Api.PostJsonAsync("/customers", new { email = $"add-card-{Guid.NewGuid():N}@example.com", name = "Ada Card" })).Str("customer_id");
        await using var context = await browser.NewContextAsync();
        var page = await SignedInPageAsync(context, driver, customerId);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Portal sections" }).GetByRole(AriaRole.Link, new() { Name = "Payment methods" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No saved payment methods" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a card" }).ClickAsync();

        // The hosted page saves the card: no total, no Pay button, nothing charged.
        await page.WaitForURLAsync(new Regex("/checkout/"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add a card", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(new Regex("^Nothing is charged now\\."))).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay") })).ToHaveCountAsync(0);
        await Accessibility.AssertCleanAsync(page);
        await page.GetByLabel("Country").FillAsync("US");
        await page.GetByLabel("Card number").FillAsync(CheckoutDriver.Visa);
        await page.GetByLabel("Expiry date").FillAsync(TestCardDates.Expiry);
        await page.GetByLabel("Security code (CVC)").FillAsync("123");
        await page.GetByLabel("Name on card").FillAsync("Ada Card");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save card" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/session/payment-methods\\?done=card_saved&payment_id=pay_"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your card is saved." })).ToBeVisibleAsync();
        var card = page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Visa •••• 4242" }) });
        await Assertions.Expect(card.GetByText("No subscription")).ToBeVisibleAsync();
        await Assertions.Expect(card.GetByRole(AriaRole.Link, new() { Name = "Remove" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        Assert.Single(await SavedCardsAsync(driver, customerId));
        Assert.Equal(0, await driver.ProcessorChargesAsync("succeeded"));
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        var payment = await connection.QuerySingleAsync<(string Status, long Total, bool IsUpdate)>(
            "SELECT status, total_amount, is_update_payment_method FROM payments WHERE customer_id = @customerId", new { customerId });
        Assert.Equal(("succeeded", 0L, true), payment);
        // A card check is not a purchase: no receipt, and the billing history stays empty.
        Assert.DoesNotContain("payment_receipt", await driver.EmailKindsAsync());
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Portal sections" }).GetByRole(AriaRole.Link, new() { Name = "Billing history" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No billing history yet" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
    }

    [Fact]
    public async Task A_double_submitted_add_a_card_opens_one_hosted_page_and_a_forged_notice_is_not_shown()
    {
        var business = await app.CreateBusinessAsync("Add Card Twice Co");
        var driver = new SubscriptionDriver(app, business);
        var customerId = (await driver.Api.PostJsonAsync("/customers", new { email = $"twice-{Guid.NewGuid():N}@example.com", name = "Tim Twice" })).Str("customer_id");
        using var portal = await SignedInClientAsync(driver, customerId);
        const string path = "/test/session/payment-methods";
        var list = await portal.GetAsync(path);
        Assert.Contains("Add a card", list.Text, StringComparison.Ordinal);

        var answers = await Task.WhenAll(portal.PostFormAsync(path + "?handler=AddCard"), portal.PostFormAsync(path + "?handler=AddCard"));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.Status));
        Assert.Equal(answers[0].Location, answers[1].Location);
        Assert.Matches("/checkout/cks_[0-9A-Za-z]+$", answers[0].Location!);
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM checkout_sessions WHERE customer_id = @customerId AND purpose = 'save_card'", new { customerId }));
        }
        // Without the token the POST is refused; a return address naming no payment of this customer says nothing.
        Assert.Equal(HttpStatusCode.BadRequest, (await portal.PostFormAsync(path + "?handler=AddCard", withToken: false)).Status);
        var forged = await portal.GetAsync(path + "?done=card_saved&payment_id=pay_notmine0000000000000000");
        Assert.Equal(HttpStatusCode.OK, forged.Status);
        Assert.DoesNotContain("Your card is saved.", forged.Text, StringComparison.Ordinal);
    }

    /// <summary>A subscription whose second charge declined: on hold with one period's dues ($12.00).</summary>
    private async Task<(SubscriptionDriver Driver, JsonNode Subscription, string CustomerId)> OnHoldAsync(string? businessName, SubscriptionDriver? existing = null)
    {
        var driver = existing ?? new SubscriptionDriver(app, await app.CreateBusinessAsync(businessName!));
        var subscription = await driver.SubscribeAsync(await driver.ProductAsync(1200, "Pro Plan"), CheckoutDriver.SucceedsOnce);
        app.TestClock.Advance(TimeSpan.FromDays(32));
        await driver.RenewAsync();
        subscription = await driver.GetAsync(subscription.Str("subscription_id"));
        Assert.Equal("on_hold", subscription.Str("status"));
        return (driver, subscription, subscription["customer"]!.Str("customer_id"));
    }

    private static Task<IPage> SignedInPageAsync(IBrowserContext context, SubscriptionDriver driver, JsonNode subscription) =>
        SignedInPageAsync(context, driver, subscription["customer"]!.Str("customer_id"));

    private static async Task<IPage> SignedInPageAsync(IBrowserContext context, SubscriptionDriver driver, string customerId)
    {
        var link = (await driver.Api.PostJsonAsync($"/customers/{customerId}/customer-portal/session", "")).Str("link");
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.WaitForURLAsync(new Regex("/session/overview$"));
        return page;
    }

    private async Task<PortalClient> SignedInClientAsync(SubscriptionDriver driver, string customerId)
    {
        var portal = new PortalClient(app.BaseAddress);
        var redeemed = await PortalTestData.RedeemAsync(portal, await PortalTestData.DynamicLinkPathAsync(driver.Api, customerId));
        Assert.Equal(HttpStatusCode.Redirect, redeemed.Status);
        return portal;
    }

    /// <summary>Saves another card for the customer through a one-time purchase on the hosted page.</summary>
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

    private static async Task<List<string>> SavedCardsAsync(SubscriptionDriver driver, string customerId) =>
        [.. (await driver.Api.GetJsonAsync($"/customers/{customerId}/payment-methods"))["items"]!.AsArray().Select(i => i!.Str("payment_method_id"))];
}
