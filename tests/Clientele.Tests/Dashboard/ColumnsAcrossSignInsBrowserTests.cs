using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Portal;
using Microsoft.Playwright;

namespace Clientele.Tests.Dashboard;

/// <summary>Chosen columns are the person's, kept on the server: a new sign-in (a new session) shows them as left. Chromium, by role and name; axe light and dark.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class ColumnsAcrossSignInsBrowserTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task Chosen_columns_and_their_order_are_still_chosen_after_signing_out_and_in_again_by_email_link()
    {
        var business = await app.CreateBusinessAsync("Columns Memory Co");
        var ada = (await PortalTestData.CreateCustomerAsync(business.Test, $"ada-{Guid.NewGuid():N}@example.com", "Ada Lovelace")).Str("customer_id");
        await business.Test.PostJsonAsync($"/customers/{ada}/wallets/ledger-entries", new { amount = 700, currency = "USD", entry_type = "credit", idempotency_key = Guid.NewGuid().ToString() });
        var (email, _, link) = await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Support);

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{app.BaseAddress.ToString().TrimEnd('/')}{link}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard/customers$"));
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Customers of Columns Memory Co" });
        await Assertions.Expect(table.GetByRole(AriaRole.Columnheader, new() { Name = "Phone" })).ToBeVisibleAsync();
        await Assertions.Expect(table.GetByRole(AriaRole.Columnheader, new() { Name = "Wallet balances" })).ToHaveCountAsync(0);

        // Hide the phone, show the wallet balances and put them first.
        await page.GetByText("Edit columns").ClickAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Show Phone" }).UncheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Show Wallet balances" }).CheckAsync();
        await page.GetByRole(AriaRole.Spinbutton, new() { Name = "Position of Wallet balances" }).FillAsync("1");
        await page.GetByRole(AriaRole.Spinbutton, new() { Name = "Position of Name", Exact = true }).FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save columns" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Columns saved." })).ToBeVisibleAsync();
        await AssertChosenColumnsAsync(table);
        await Accessibility.AssertCleanAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out" })).ToBeVisibleAsync();
        await page.GotoAsync($"{app.BaseAddress}dashboard/customers");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the dashboard" })).ToBeVisibleAsync();

        // A new sign-in by e-mailed link: a new session, the same columns in the same order.
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a sign-in link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your inbox" })).ToBeVisibleAsync();
        var emailed = Mailbox.LinkIn(await Mailbox.WaitForAsync(app, email));
        await page.GotoAsync($"{app.BaseAddress.ToString().TrimEnd('/')}{Mailbox.PathOf(emailed)}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard/customers$"));
        await AssertChosenColumnsAsync(table);
        await page.GetByText("Edit columns").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "Show Phone" })).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "Show Wallet balances" })).ToBeCheckedAsync();
        await Accessibility.AssertCleanAsync(page);
    }

    /// <summary>Wallet balances first, no phone, the customer's balance in its cell.</summary>
    private static async Task AssertChosenColumnsAsync(ILocator table)
    {
        await Assertions.Expect(table.GetByRole(AriaRole.Columnheader).First).ToHaveTextAsync("Wallet balances");
        await Assertions.Expect(table.GetByRole(AriaRole.Columnheader, new() { Name = "Phone" })).ToHaveCountAsync(0);
        await Assertions.Expect(table.GetByRole(AriaRole.Cell, new() { Name = "$7.00" })).ToBeVisibleAsync();
    }
}
