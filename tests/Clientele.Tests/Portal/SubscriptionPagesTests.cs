using System.Net;
using System.Text.RegularExpressions;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Subscriptions;
using Dapper;
using Microsoft.Playwright;
using Npgsql;

namespace Clientele.Tests.Portal;

/// <summary>The portal's subscription pages as a customer uses them: Chromium at phone width, by role and name, axe-core light and dark.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class SubscriptionPagesTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task A_customer_cancels_at_the_period_end_then_keeps_the_subscription()
    {
        var (driver, subscription, link) = await SubscribedCustomerAsync("Cancel Co");
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.WaitForURLAsync(new Regex("/session/overview$"));

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Portal sections" }).GetByRole(AriaRole.Link, new() { Name = "Subscriptions" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Current" })).ToBeVisibleAsync();
        var item = page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Pro Plan" }) });
        await Assertions.Expect(item.GetByText("Active", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(item.GetByText(new Regex(@"\$12\.00 per month"))).ToBeVisibleAsync();
        await Assertions.Expect(item.GetByText("Visa •••• 4242")).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        await item.GetByRole(AriaRole.Link, new() { Name = "Manage" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pro Plan", Level = 1 })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Cancel subscription" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Cancel Pro Plan" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("You will not be charged again.")).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Radio, new() { Name = "It is too expensive" }).CheckAsync();
        await page.GetByLabel("Anything you would like to tell us? (optional)").FillAsync("Budget cuts");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm cancellation" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "set to end at the end of this period" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(new Regex("^Ends on .*; it will not renew\\.$"))).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        var cancelled = await driver.GetAsync(subscription);
        Assert.True(cancelled["cancel_at_next_billing_date"]!.GetValue<bool>());
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            var stored = await connection.QuerySingleAsync<(string Reason, string Feedback, string Comment)>(
                "SELECT cancel_reason, cancellation_feedback, cancellation_comment FROM subscriptions WHERE id = @subscription", new { subscription });
            Assert.Equal(("cancelled_by_customer", "too_expensive", "Budget cuts"), stored);
        }
        Assert.Equal(1, (await driver.EmailKindsAsync()).Count(k => k == "subscription_cancel_scheduled"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Keep my subscription" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "will continue and renew as usual" })).ToBeVisibleAsync();
        Assert.False((await driver.GetAsync(subscription))["cancel_at_next_billing_date"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_customer_pauses_and_resumes_where_the_business_allows_it()
    {
        var (driver, subscription, link) = await SubscribedCustomerAsync("Pause Co");
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.WaitForURLAsync(new Regex("/session/overview$"));
        await page.GotoAsync(page.Url.Replace("/session/overview", $"/session/subscriptions/{subscription}", StringComparison.Ordinal));

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause subscription" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your subscription is paused" })).ToBeVisibleAsync();
        Assert.Equal("paused", (await driver.GetAsync(subscription)).Str("status"));
        await Accessibility.AssertCleanAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume subscription" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "active again" })).ToBeVisibleAsync();
        Assert.Equal("active", (await driver.GetAsync(subscription)).Str("status"));
    }

    [Fact]
    public async Task Cancelling_is_disabled_with_a_reason_where_the_business_does_not_allow_it_and_refused_on_the_server()
    {
        var (driver, subscription, link) = await SubscribedCustomerAsync("No Cancel Co");
        await driver.Api.PatchJsonAsync("/settings/subscriptions", new { allow_customer_cancel = false });
        using var portal = await SignedInAsync(link);

        var detail = await portal.GetAsync($"/test/session/subscriptions/{subscription}");
        Assert.Equal(HttpStatusCode.OK, detail.Status);
        Assert.Contains("does not let customers cancel here", detail.Text, StringComparison.Ordinal);
        Assert.Contains("disabled aria-describedby=\"cancel-disabled\"", detail.Html, StringComparison.Ordinal);

        // A hand-made post is refused by the operation itself, not only hidden by the page.
        await portal.GetAsync($"/test/session/subscriptions/{subscription}/cancel");
        var refused = await portal.PostFormAsync($"/test/session/subscriptions/{subscription}/cancel", new Dictionary<string, string> { ["Feedback"] = "other" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.False((await driver.GetAsync(subscription))["cancel_at_next_billing_date"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_double_submitted_cancel_makes_one_change_and_one_email()
    {
        var (driver, subscription, link) = await SubscribedCustomerAsync("Double Co");
        using var portal = await SignedInAsync(link);
        var path = $"/test/session/subscriptions/{subscription}/cancel";
        await portal.GetAsync(path);
        var fields = new Dictionary<string, string> { ["Feedback"] = "unused" };
        var answers = await Task.WhenAll(portal.PostFormAsync(path, fields), portal.PostFormAsync(path, fields));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.Status));
        Assert.True((await driver.GetAsync(subscription))["cancel_at_next_billing_date"]!.GetValue<bool>());
        Assert.Equal(1, (await driver.EmailKindsAsync()).Count(k => k == "subscription_cancel_scheduled"));
    }

    [Fact]
    public async Task An_ended_subscription_is_subscribed_to_again_on_the_hosted_page_and_a_double_submit_makes_one()
    {
        var (driver, subscription, link) = await SubscribedCustomerAsync("Again Co");
        await driver.Api.PatchJsonAsync($"/subscriptions/{subscription}", new { status = "cancelled" });
        Assert.Equal("cancelled", (await driver.GetAsync(subscription)).Str("status"));

        // Two submits of one rendering of the form: one new subscription, both sent to the same payment page.
        using (var portal = await SignedInAsync(link))
        {
            await portal.GetAsync($"/test/session/subscriptions/{subscription}");
            var key = Regex.Match(portal.LastHtml, "name=\"key\" value=\"([0-9a-f]{32})\"").Groups[1].Value;
            Assert.NotEmpty(key);
            var form = new Dictionary<string, string> { ["key"] = key };
            var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => portal.PostFormAsync($"/test/session/subscriptions/{subscription}?handler=Resubscribe", form)));
            Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Redirect or HttpStatusCode.Conflict, a.Status.ToString()));
            var links = answers.Where(a => a.Status == HttpStatusCode.Redirect).Select(a => a.Location).Distinct().ToList();
            Assert.Single(links);
            Assert.Contains("/test/checkout/", links[0], StringComparison.Ordinal);
            // A later submit of the same form goes to the same payment page.
            var again = await portal.PostFormAsync($"/test/session/subscriptions/{subscription}?handler=Resubscribe", form);
            Assert.Equal(links[0], again.Location);
        }
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM subscriptions WHERE business_id = @business AND id <> @subscription AND product_id = (SELECT product_id FROM subscriptions WHERE id = @subscription)",
                new { business = driver.Business.Id, subscription }));
        }

        // In a browser: Subscribe again → the hosted page → pay → back in the portal with the new subscription active.
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        // A dynamic link is single use: the browser gets a fresh one.
        var customerId = (await driver.GetAsync(subscription))["customer"]!.Str("customer_id");
        var browserLink = (await driver.Api.PostJsonAsync($"/customers/{customerId}/customer-portal/session", "")).Str("link");
        await page.GotoAsync(browserLink);
        await page.WaitForURLAsync(new Regex("/session/overview$"));
        await page.GotoAsync(new Uri(new Uri(browserLink), $"/test/session/subscriptions/{subscription}").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Subscribe again" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(new Regex(@"Start a new subscription to this plan \(\$12\.00 per month\)"))).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Subscribe again" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/test/checkout/"));
        await page.GetByLabel("Card number").FillAsync(CheckoutDriver.Visa);
        await page.GetByLabel("Expiry date").FillAsync(TestCardDates.Expiry);
        await page.GetByLabel("Security code (CVC)").FillAsync("123");
        await page.GetByLabel("Name on card").FillAsync("Sam Subscriber");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay $12.00" }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/test/session/subscriptions\?payment_id=pay_\w+&status=succeeded$"));
        var current = page.GetByRole(AriaRole.Region, new() { Name = "Current" });
        // The paid one is active (the unpaid one the HTTP submits above made still waits, pending).
        var active = current.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByText("Active", new() { Exact = true }) });
        await Assertions.Expect(active).ToHaveCountAsync(1);
        await Assertions.Expect(active.GetByRole(AriaRole.Heading, new() { Name = "Pro Plan" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
    }

    [Fact]
    public async Task Another_customers_subscription_is_not_found_and_unchanged()
    {
        var (driver, _, link) = await SubscribedCustomerAsync("Two Customers Co");
        var other = await driver.SubscribeAsync(await driver.ProductAsync(500, "Other Plan"));
        using var portal = await SignedInAsync(link);

        var otherId = other.Str("subscription_id");
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync($"/test/session/subscriptions/{otherId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync($"/test/session/subscriptions/{otherId}/cancel")).Status);
        await portal.GetAsync("/test/session/subscriptions");
        var post = await portal.PostFormAsync($"/test/session/subscriptions/{otherId}?handler=Pause");
        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.Equal("active", (await driver.GetAsync(otherId)).Str("status"));
        var list = await portal.GetAsync("/test/session/subscriptions");
        Assert.DoesNotContain("Other Plan", list.Text, StringComparison.Ordinal);
    }

    private async Task<(SubscriptionDriver Driver, string SubscriptionId, string Link)> SubscribedCustomerAsync(string businessName)
    {
        var business = await app.CreateBusinessAsync(businessName);
        var driver = new SubscriptionDriver(app, business);
        await driver.AllowAsync(planChanges: false, pause: true);
        var subscription = await driver.SubscribeAsync(await driver.ProductAsync(1200, "Pro Plan"));
        var customerId = subscription["customer"]!.Str("customer_id");
        var link = (await driver.Api.PostJsonAsync($"/customers/{customerId}/customer-portal/session", "")).Str("link");
        return (driver, subscription.Str("subscription_id"), link);
    }

    /// <summary>An HTTP client signed in through the link (GET shows the interstitial, its POST uses the link).</summary>
    private async Task<PortalClient> SignedInAsync(string link)
    {
        var portal = new PortalClient(app.BaseAddress);
        var path = new Uri(link).AbsolutePath;
        await portal.GetAsync(path);
        var landed = await portal.PostFormAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, landed.Status);
        return portal;
    }
}
