using System.Net;
using System.Text.RegularExpressions;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Subscriptions;
using Dapper;
using Microsoft.Playwright;
using Npgsql;

namespace Clientele.Tests.Portal;

/// <summary>The overview as a customer lands on it: what needs attention first, then each section's summary.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class OverviewPageTests(ClockedAppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task The_overview_puts_an_on_hold_subscription_and_an_expiring_card_first_then_renewals_and_the_latest_invoices()
    {
        var driver = new SubscriptionDriver(app, await app.CreateBusinessAsync("Overview Co"));
        var email = PortalTestData.UniqueEmail();
        var basic = await driver.SubscribeAsync(await driver.ProductAsync(500, "Basic Plan"), CheckoutDriver.Visa, email: email);
        var pro = await driver.SubscribeAsync(await driver.ProductAsync(1200, "Pro Plan"), CheckoutDriver.SucceedsOnce, email: email);
        var customerId = basic["customer"]!.Str("customer_id");
        Assert.Equal(customerId, pro["customer"]!.Str("customer_id"));
        app.TestClock.Advance(TimeSpan.FromDays(32));
        await driver.RenewAsync();
        Assert.Equal("on_hold", (await driver.GetAsync(pro.Str("subscription_id"))).Str("status"));
        var renewed = await driver.GetAsync(basic.Str("subscription_id"));
        // The Visa card's last valid month is the clock's: it is about to expire.
        var now = app.TestClock.GetUtcNow();
        await using (var connection = new NpgsqlConnection(TestSettings.ConnectionString()))
        {
            await connection.ExecuteAsync("UPDATE payment_methods SET expiry_month = @month, expiry_year = @year WHERE id = @id",
                new { month = now.Month, year = now.Year, id = basic.Str("payment_method_id") });
        }

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync((await driver.Api.PostJsonAsync($"/customers/{customerId}/customer-portal/session", "")).Str("link"));
        await page.WaitForURLAsync(new Regex("/session/overview$"));

        var attention = page.GetByRole(AriaRole.Region, new() { Name = "Needs your attention" });
        await Assertions.Expect(attention).ToContainTextAsync("Pro Plan is on hold. Amount due: $12.00.");
        await Assertions.Expect(attention).ToContainTextAsync($"Visa •••• 4242 expires at the end of {now.Month:D2}/{now.Year}.");
        var subscriptions = page.GetByRole(AriaRole.Region, new() { Name = "Subscriptions" });
        var renewal = SubscriptionDriver.Date(renewed, "next_billing_date").ToString("D", System.Globalization.CultureInfo.GetCultureInfo("en-US"));
        await Assertions.Expect(subscriptions.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Basic Plan" })).ToContainTextAsync($"Renews on {renewal} for $5.00.");
        await Assertions.Expect(subscriptions.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        var invoices = page.GetByRole(AriaRole.Region, new() { Name = "Latest invoices" });
        await Assertions.Expect(invoices.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Download invoice") })).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "License keys" })).ToHaveCountAsync(0);
        await Accessibility.AssertCleanAsync(page);

        await attention.GetByRole(AriaRole.Link, new() { Name = "Update payment method (Pro Plan)" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment method for Pro Plan" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_new_customer_sees_what_will_appear_and_nothing_of_another_customer()
    {
        var business = await app.CreateBusinessAsync("Empty Overview Co");
        var driver = new SubscriptionDriver(app, business);
        await driver.SubscribeAsync(await driver.ProductAsync(1200, "Someone Elses Plan"));
        var (portal, _, _) = await PortalTestData.SignedInAsync(app, business.Test);
        using var _ = portal;

        var overview = await portal.GetAsync("/test/session/overview");
        Assert.Equal(HttpStatusCode.OK, overview.Status);
        Assert.Contains("No current subscriptions. Subscriptions you start will appear here", overview.Text, StringComparison.Ordinal);
        Assert.Contains("No invoices yet.", overview.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Needs your attention", overview.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("wallets-heading", overview.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Someone Elses Plan", overview.Text, StringComparison.Ordinal);
    }
}
