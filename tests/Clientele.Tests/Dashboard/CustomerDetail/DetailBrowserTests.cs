using System.Globalization;
using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Subscriptions;
using Microsoft.Playwright;

namespace Clientele.Tests.Dashboard.CustomerDetail;

/// <summary>
/// The customer detail's Payments and Subscriptions tabs as a merchant uses them, in Chromium, by role and
/// accessible name, axe-core in light and dark on every page visited. The clock is stopped for the plan
/// change so the previewed amount is exactly the amount charged.
/// </summary>
[Collection(SerialPortalCollection.Name)]
public sealed class DetailBrowserTests(ClockedAppFixture app, BrowserFixture browser)
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    [Fact]
    public async Task Refund_in_part_and_in_full_cancel_and_revoke_pause_and_resume_change_plan_and_renew_into_on_hold()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Detail Browser Co"));
        await driver.AllowAsync(planChanges: true, pause: true);
        var basic = await driver.ProductAsync(1000, "Basic");
        var pro = await driver.ProductAsync(3000, "Pro");
        await driver.CollectionAsync(basic, pro);
        var subscription = await driver.SubscribeAsync(basic);
        var id = subscription.Str("subscription_id");
        var customer = subscription["customer"]!.Str("customer_id");
        var payment = (await driver.Api.GetJsonAsync($"/payments?subscription_id={id}"))["items"]![0]!.Str("payment_id");

        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, driver.Business.Id);
        var root = app.BaseAddress.ToString().TrimEnd('/');

        // Payments: a partial refund by line, then the rest in full; the status shows each time.
        await page.GotoAsync($"{root}/dashboard/customers/{customer}/payments");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Payments of Sam Subscriber" });
        await Assertions.Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = payment })).ToContainTextAsync("Succeeded");
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Refund {payment}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Refund payment {payment}" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Radio, new() { Name = "Part of it, by line item" }).CheckAsync();
        await page.GetByLabel("Amount to refund for Basic").FillAsync("4.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue refund" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex(@"^Refund ref_\w+ of \$4\.00: succeeded\.$") })).ToBeVisibleAsync();
        await Assertions.Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = payment })).ToContainTextAsync("Partially refunded");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Refund {payment}" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Everything still refundable ($6.00)")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue refund" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex(@"of \$6\.00: succeeded\.$") })).ToBeVisibleAsync();
        await Assertions.Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = payment })).ToContainTextAsync("Refunded");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Refund {payment}" })).ToHaveCountAsync(0);
        await Accessibility.AssertCleanAsync(page);

        // Subscriptions: cancel at period end and revoke it, pause and resume.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Customer sections" }).GetByRole(AriaRole.Link, new() { Name = "Subscriptions" }).ClickAsync();
        var card = page.GetByRole(AriaRole.Article, new() { NameRegex = new Regex("^Basic") });
        await Assertions.Expect(card).ToContainTextAsync("Active");
        await Accessibility.AssertCleanAsync(page);
        await card.GetByText("Cancel at period end", new() { Exact = true }).ClickAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "Confirm: cancel at period end" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"{id} will be cancelled at the end of its period." })).ToBeVisibleAsync();
        await Assertions.Expect(card).ToContainTextAsync("Ends at period end");
        await card.GetByRole(AriaRole.Button, new() { Name = "Revoke the cancellation of Basic" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"The cancellation of {id} was revoked." })).ToBeVisibleAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "Pause Basic" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"{id} was paused." })).ToBeVisibleAsync();
        await Assertions.Expect(card).ToContainTextAsync("Paused");
        await Accessibility.AssertCleanAsync(page);
        await card.GetByRole(AriaRole.Button, new() { Name = "Resume Basic" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"{id} was resumed." })).ToBeVisibleAsync();
        Assert.Equal(("active", false), ((await driver.GetAsync(id)).Str("status"), (await driver.GetAsync(id))["cancel_at_next_billing_date"]!.GetValue<bool>()));

        // Change plan with the clock stopped (moving it would end the dashboard session): the preview's amount is what is charged.
        app.TestClock.Freeze(app.TestClock.GetUtcNow());
        try
        {
            var expected = (await driver.Api.PostJsonAsync($"/subscriptions/{id}/change-plan/preview", new { product_id = pro, quantity = 1, proration_billing_mode = "prorated_immediately" }))
                ["immediate_charge"]!["summary"]!["total_amount"]!.GetValue<long>();
            Assert.True(expected is > 0 and <= 2000, $"{expected}");
            var amount = (expected / 100m).ToString("C2", English);
            await page.GetByRole(AriaRole.Link, new() { Name = "Change plan of Basic" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Basic, $10.00 every 1 month(s) (current plan)" })).ToBeCheckedAsync();
            await Accessibility.AssertCleanAsync(page);
            await page.GetByRole(AriaRole.Radio, new() { Name = "Pro, $30.00 every 1 month(s)" }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "See what it costs" }).ClickAsync();
            var due = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Amount due now" });
            await Assertions.Expect(due.GetByRole(AriaRole.Cell)).ToHaveTextAsync(amount);
            await Accessibility.AssertCleanAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = $"Charge {amount} and change plan" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"The plan of {id} was changed." })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Article, new() { NameRegex = new Regex("^Pro") })).ToBeVisibleAsync();
            Assert.Equal(pro, (await driver.GetAsync(id)).Str("product_id"));
            Assert.Equal(("succeeded", expected), ((await driver.PaymentsAsync(id))[^1].Status, (await driver.PaymentsAsync(id))[^1].Total));
        }
        finally
        {
            app.TestClock.Unfreeze();
        }

        // Renew now (test mode) with a card that declines after its first charge: on hold.
        var declining = await driver.SubscribeAsync(basic, CheckoutDriver.SucceedsOnce);
        var declinedId = declining.Str("subscription_id");
        await page.GotoAsync($"{root}/dashboard/customers/{declining["customer"]!.Str("customer_id")}/subscriptions");
        var renewCard = page.GetByRole(AriaRole.Article, new() { NameRegex = new Regex("^Basic") });
        await renewCard.GetByText("Renew now (test mode)", new() { Exact = true }).ClickAsync();
        await renewCard.GetByRole(AriaRole.Button, new() { Name = "Confirm: renew now" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"The renewal of {declinedId} was declined: the subscription is on hold." })).ToBeVisibleAsync();
        await Assertions.Expect(renewCard).ToContainTextAsync("On hold");
        await Accessibility.AssertCleanAsync(page);
        Assert.Equal("on_hold", (await driver.GetAsync(declinedId)).Str("status"));
        Assert.Contains("subscription_on_hold", await driver.EmailKindsAsync());

        // The Activity tab tells the same story: the declined renewal and the subscription put on hold.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Customer sections" }).GetByRole(AriaRole.Link, new() { Name = "Activity" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("subscription.on_hold");
        await Assertions.Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("Payment failed");
        await Accessibility.AssertCleanAsync(page);
    }

    private async Task<IPage> SignInAsync(IBrowserContext context, string businessId)
    {
        var (_, _, link) = await DashboardTestData.InviteAsync(app, businessId, DashboardRole.Owner);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{app.BaseAddress.ToString().TrimEnd('/')}{link}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard/customers$"));
        return page;
    }

}
