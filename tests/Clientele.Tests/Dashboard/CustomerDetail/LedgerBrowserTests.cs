using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Clientele.Tests.Dashboard.CustomerDetail;

/// <summary>
/// A support person in Chromium, by role and accessible name: credit and deduct (a double click is one entry, an
/// overdraft is refused), share invite (copy the static link, generate a dynamic link and open it in a fresh
/// browser), and the Activity tab; axe on every page, light and dark.
/// </summary>
[Collection(SerialPortalCollection.Name)]
public sealed class LedgerBrowserTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task Credit_deduct_share_invite_and_activity()
    {
        var business = await app.CreateBusinessAsync("Ledger Browser Co");
        var checkout = new CheckoutDriver(app, business.Test);
        var (_, checkoutPath) = await checkout.SessionAsync(await checkout.ProductAsync(1500), email: $"bea-{Guid.NewGuid():N}@example.com");
        var payment = await checkout.PaySuccessfullyAsync(checkoutPath);
        var customer = payment["customer"]!.Str("customer_id");
        var (_, _, link) = await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Support);
        var origin = app.BaseAddress.GetLeftPart(UriPartial.Authority);

        await using var context = await browser.NewContextAsync();
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = origin });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{origin}{link}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard/customers$"));

        // Credit ledger: a double click on Save entry makes one entry.
        await page.GotoAsync($"{origin}/dashboard/customers/{customer}/credits");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add credit or deduct" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Radio, new() { Name = "Add credit" }).CheckAsync();
        await page.GetByLabel("Amount", new() { Exact = true }).FillAsync("10.00");
        await page.GetByLabel("Currency", new() { Exact = true }).First.FillAsync("USD");
        await page.GetByLabel("Reason (optional)").FillAsync("Welcome credit");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save entry" }).DblClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Credit added." })).ToBeVisibleAsync();
        var ledger = page.GetByRole(AriaRole.Table, new() { NameRegex = new Regex("^Wallet ledger of") });
        await Assertions.Expect(ledger.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Assertions.Expect(ledger.GetByRole(AriaRole.Cell, new() { Name = "$0.00 → $10.00" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        // An overdraft is refused next to the amount; a deduction within the balance goes through.
        await page.GetByRole(AriaRole.Radio, new() { Name = "Deduct" }).CheckAsync();
        await page.GetByLabel("Amount", new() { Exact = true }).FillAsync("25");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save entry" }).ClickAsync();
        var amount = page.GetByLabel("Amount", new() { Exact = true });
        await Assertions.Expect(amount).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(amount).ToHaveAccessibleDescriptionAsync(new Regex("Not enough balance"));
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Radio, new() { Name = "Deduct" }).CheckAsync();
        await amount.FillAsync("4");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save entry" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Amount deducted." })).ToBeVisibleAsync();
        await Assertions.Expect(ledger.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await Assertions.Expect(ledger.GetByRole(AriaRole.Cell, new() { Name = "$10.00 → $6.00" })).ToBeVisibleAsync();

        // Share invite: copy the static link; generate a dynamic one.
        await page.GetByRole(AriaRole.Link, new() { Name = "Share invite" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Static link" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy static link" }).ClickAsync();
        await Assertions.Expect(page.Locator("#static-copy-status")).ToHaveTextAsync("Copied");
        Assert.Equal($"{origin}/test/login/{business.Id}", await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate dynamic link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dynamic link ready" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Single use; expires at")).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy dynamic link" }).ClickAsync();
        var dynamicLink = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        Assert.StartsWith($"{origin}/test/link/", dynamicLink);
        Assert.DoesNotContain("/link/", page.Url);

        await using (var fresh = await browser.NewContextAsync())
        {
            var customerPage = await fresh.NewPageAsync();
            await customerPage.GotoAsync(dynamicLink);
            await customerPage.WaitForURLAsync(url => !url.Contains("/link/", StringComparison.Ordinal));
            await Assertions.Expect(customerPage.GetByText("Bea Buyer").First).ToBeVisibleAsync();
            await Accessibility.AssertCleanAsync(customerPage);
        }

        // Activity: the payment and the wallet entries.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Customer sections" }).GetByRole(AriaRole.Link, new() { Name = "Activity" }).ClickAsync();
        var timeline = page.GetByRole(AriaRole.List, new() { NameRegex = new Regex("^Activity of") });
        await Assertions.Expect(timeline.GetByText("Payment succeeded")).ToBeVisibleAsync();
        await Assertions.Expect(timeline.GetByText("Wallet credit")).ToBeVisibleAsync();
        await Assertions.Expect(timeline.GetByText("Wallet debit")).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
    }
}
