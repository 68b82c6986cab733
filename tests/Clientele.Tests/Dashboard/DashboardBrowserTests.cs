using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Clientele.Tests.Dashboard;

/// <summary>The dashboard as a merchant uses it: the machine's Chromium, headless, by role and accessible name; axe-core on every page, light and dark.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class DashboardBrowserTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task Sign_in_by_emailed_link_switch_business_and_mode_invite_enrol_two_factor_and_sign_in_with_a_code()
    {
        var alpha = await app.CreateBusinessAsync("Alpha Browser Co");
        var beta = await app.CreateBusinessAsync("Beta Browser Co");
        var (email, _, _) = await DashboardTestData.InviteAsync(app, alpha.Id, DashboardRole.Owner);
        await DashboardTestData.InviteAsync(app, beta.Id, DashboardRole.Owner, email);

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{app.BaseAddress}dashboard");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the dashboard" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a sign-in link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your inbox" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        var link = Mailbox.LinkIn(await Mailbox.WaitForAsync(app, email));
        await page.GotoAsync($"{app.BaseAddress.ToString().TrimEnd('/')}{Mailbox.PathOf(link)}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the dashboard" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard/customers$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Customers", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Complementary, new() { Name = "Test mode" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        // Business: the switcher lists both; mode: test is marked, live is one button away.
        await page.GetByLabel("Business").SelectOptionAsync(new SelectOptionValue { Label = "Beta Browser Co" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch business" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Business")).ToHaveValueAsync(beta.Id);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No customers yet" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to live mode" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Switch to test mode" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Complementary, new() { Name = "Test mode" })).ToHaveCountAsync(0);
        await Accessibility.AssertCleanAsync(page);

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Team" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Team of Beta Browser Co" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "E-mail" }).FillAsync(DashboardTestData.UniqueEmail("colleague"));
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Role", Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Support" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("Invitation sent.")).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Security" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up two-factor" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        var secret = await page.GetByLabel("Secret key").InputValueAsync();
        await page.GetByLabel("Code").FillAsync(DashboardTestData.TotpCode(secret, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your recovery codes" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Your recovery codes" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(10);
        await Accessibility.AssertCleanAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        // Signing in again takes the code from the app as well.
        await page.GotoAsync($"{app.BaseAddress.ToString().TrimEnd('/')}{await DashboardTestData.LinkPathAsync(app, alpha.Id, email)}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Enter your code" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByLabel("Code").FillAsync(DashboardTestData.TotpCode(secret, DateTimeOffset.UtcNow.AddSeconds(30)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard/customers$"));
        // A new session starts in test mode, in the business the person used last (Beta, switched to above).
        await Assertions.Expect(page.GetByText("The customers of Beta Browser Co")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Complementary, new() { Name = "Test mode" })).ToBeVisibleAsync();
    }
}
