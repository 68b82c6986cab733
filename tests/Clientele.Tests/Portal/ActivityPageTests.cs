using System.Net;
using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Subscriptions;
using Microsoft.Playwright;

namespace Clientele.Tests.Portal;

/// <summary>The portal's Activity page: what happened on the account, when, and who did it — in Chromium, axe light and dark.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class ActivityPageTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task The_customer_sees_their_payment_their_own_pause_the_business_change_and_their_sign_in_with_who_did_each()
    {
        var business = await app.CreateBusinessAsync("Activity Co");
        var driver = new SubscriptionDriver(app, business);
        await driver.AllowAsync(planChanges: false, pause: true);
        var subscription = await driver.SubscribeAsync(await driver.ProductAsync(1200, "Pro Plan"));
        var customerId = subscription["customer"]!.Str("customer_id");
        // Another customer's doings never show.
        var other = await driver.SubscribeAsync(await driver.ProductAsync(300, "Stranger Plan"));
        await driver.Api.PatchJsonAsync($"/subscriptions/{other.Str("subscription_id")}", new { status = "paused" });
        // The business changes the customer's details through the API.
        await driver.Api.PatchJsonAsync($"/customers/{customerId}", new { name = "Sam Renamed" });
        var link = (await driver.Api.PostJsonAsync($"/customers/{customerId}/customer-portal/session", "")).Str("link");

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.WaitForURLAsync(new Regex("/session/overview$"));
        var sections = page.GetByRole(AriaRole.Navigation, new() { Name = "Portal sections" });
        await sections.GetByRole(AriaRole.Link, new() { Name = "Subscriptions" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Manage" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause subscription" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("paused");

        await sections.GetByRole(AriaRole.Link, new() { Name = "Activity" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Activity", Level = 1 })).ToBeVisibleAsync();
        var items = page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.Locator("time") });
        var paused = items.Filter(new() { HasText = "Paused a subscription" });
        await Assertions.Expect(paused.GetByText("Pro Plan")).ToBeVisibleAsync();
        await Assertions.Expect(paused.GetByText("By you")).ToBeVisibleAsync();
        await Assertions.Expect(items.Filter(new() { HasText = "Your details updated by Activity Co" })).ToHaveCountAsync(1);
        var payment = items.Filter(new() { HasText = "$12.00" });
        await Assertions.Expect(payment.GetByText("Payment", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(payment.GetByText(new Regex("Succeeded|Paid"))).ToBeVisibleAsync();
        await Assertions.Expect(items.Filter(new() { HasText = "Signed in to the portal" }).GetByText("By you")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByText("Stranger Plan")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("$3.00")).ToHaveCountAsync(0);
        // Newest first: the pause comes before the sign-in, which comes before the payment.
        var order = (await items.Locator("strong").AllTextContentsAsync()).ToList();
        Assert.True(order.IndexOf("Paused a subscription") < order.IndexOf("Signed in to the portal"), string.Join(" | ", order));
        Assert.True(order.IndexOf("Signed in to the portal") < order.IndexOf("Payment"), string.Join(" | ", order));
        await Accessibility.AssertCleanAsync(page);
    }

    [Fact]
    public async Task A_cursor_that_is_not_one_shows_the_first_page()
    {
        var business = await app.CreateBusinessAsync("Quiet Co");
        var (client, _, _) = await PortalTestData.SignedInAsync(app, business.Test, "Quinn Quiet");
        using (client)
        {
            var page = await client.GetAsync("/test/session/activity");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Contains("Signed in to the portal", page.Text, StringComparison.Ordinal);
            var odd = await client.GetAsync("/test/session/activity?before=not-a-cursor");
            Assert.Equal(HttpStatusCode.OK, odd.Status);
            Assert.Contains("Signed in to the portal", odd.Text, StringComparison.Ordinal);
        }
    }
}
