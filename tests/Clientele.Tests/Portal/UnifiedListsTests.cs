using System.Net;
using System.Text.RegularExpressions;
using Clientele.Features.Portal.Access;
using Clientele.Platform.Email;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Clientele.Tests.Portal;

/// <summary>
/// The unified portal's cross-business lists (every subscription, every invoice of one e-mail), in a
/// real browser. The data is made in test mode through the API and the hosted payment page, so the
/// unified portal runs at the test base URL (<c>/test/</c>), which lists test-mode customers only.
/// </summary>
[Collection(SerialPortalCollection.Name)]
public sealed class UnifiedListsTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task One_email_sees_every_subscription_and_invoice_across_businesses_and_opens_each_in_its_business()
    {
        var email = PortalTestData.UniqueEmail("across");
        var alpha = new SubscriptionDriver(app, await app.CreateBusinessAsync("Alpha Apps"));
        var beta = new SubscriptionDriver(app, await app.CreateBusinessAsync("Beta Books"));
        var alphaSub = await alpha.SubscribeAsync(await alpha.ProductAsync(1200, "Alpha Pro"), email: email);
        await beta.SubscribeAsync(await beta.ProductAsync(700, "Beta Reader"), email: email);
        // Another customer of Alpha: never on this e-mail's lists.
        await alpha.SubscribeAsync(await alpha.ProductAsync(300, "Stranger Plan"));

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.BaseAddress + "test/");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a sign-in link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your inbox" })).ToBeVisibleAsync();
        var mail = await Mailbox.WaitForKindAsync(app, email, PortalEmails.UnifiedKind);
        Assert.Equal("test", mail.Mode);
        var link = Mailbox.LinkIn(mail);
        Assert.Contains("/test/unified/link/", link, StringComparison.Ordinal);
        await page.GotoAsync(link);
        await page.WaitForURLAsync(new Regex("/test/businesses$"));
        await Accessibility.AssertCleanAsync(page);

        var lists = page.GetByRole(AriaRole.Navigation, new() { Name = "Your purchases across businesses" });
        await lists.GetByRole(AriaRole.Link, new() { Name = "All subscriptions" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "All subscriptions", Level = 1 })).ToBeVisibleAsync();
        var alphaItem = page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Alpha Pro" }) });
        var betaItem = page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Beta Reader" }) });
        await Assertions.Expect(alphaItem.GetByRole(AriaRole.Heading, new() { Name = "Alpha Pro · Alpha Apps" })).ToBeVisibleAsync();
        await Assertions.Expect(alphaItem.GetByText(new Regex(@"\$12\.00 per month"))).ToBeVisibleAsync();
        await Assertions.Expect(betaItem.GetByRole(AriaRole.Heading, new() { Name = "Beta Reader · Beta Books" })).ToBeVisibleAsync();
        await Assertions.Expect(betaItem.GetByText(new Regex(@"\$7\.00 per month"))).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Stranger Plan")).ToHaveCountAsync(0);
        await Accessibility.AssertCleanAsync(page);

        // Manage opens the subscription in Alpha's portal with no e-mail round trip.
        await alphaItem.GetByRole(AriaRole.Button, new() { Name = "Manage at Alpha Apps" }).ClickAsync();
        await page.WaitForURLAsync(new Regex($"/test/session/subscriptions/{alphaSub.Str("subscription_id")}$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Alpha Pro", Level = 1 })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "All my businesses" }).ClickAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Your purchases across businesses" }).GetByRole(AriaRole.Link, new() { Name = "All invoices" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "All invoices", Level = 1 })).ToBeVisibleAsync();
        var rows = page.GetByRole(AriaRole.Row);
        var betaRow = rows.Filter(new() { HasText = "Beta Books" });
        await Assertions.Expect(rows.Filter(new() { HasText = "Alpha Apps" }).GetByText("$12.00")).ToBeVisibleAsync();
        await Assertions.Expect(betaRow.GetByText("$7.00")).ToBeVisibleAsync();
        await Assertions.Expect(rows.Filter(new() { HasText = "$3.00" })).ToHaveCountAsync(0);
        await Accessibility.AssertCleanAsync(page);

        var download = await page.RunAndWaitForDownloadAsync(() => betaRow.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Download invoice TEST-INV-") }).ClickAsync());
        Assert.Matches("^TEST-INV-[0-9]{6}\\.pdf$", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        // One sign-in e-mail for both businesses (the others are the two receipts).
        var sent = await app.Services.GetRequiredService<DevMailbox>().ListAsync(email, 50, CancellationToken.None);
        Assert.Single(sent, m => m.Kind == PortalEmails.UnifiedKind);
    }

    [Fact]
    public async Task A_test_mode_unified_session_is_not_a_live_one_and_cannot_open_another_customers_rows()
    {
        var email = PortalTestData.UniqueEmail("modes");
        var alpha = new SubscriptionDriver(app, await app.CreateBusinessAsync("Mode Apps"));
        await alpha.SubscribeAsync(await alpha.ProductAsync(1200, "Mode Pro"), email: email);
        var stranger = await alpha.SubscribeAsync(await alpha.ProductAsync(300, "Not Yours"));
        await PortalTestData.CreateCustomerAsync(alpha.Business.Live, email, "Live Twin");

        using var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        await client.GetAsync("/test/");
        await client.PostFormAsync("/test/", new Dictionary<string, string> { ["Email"] = email });
        var path = Mailbox.PathOf(Mailbox.LinkIn(await Mailbox.WaitForKindAsync(app, email, PortalEmails.UnifiedKind)));
        await client.GetAsync(path);
        var redeemed = await client.PostFormAsync(path);
        Assert.Equal("/test/businesses", redeemed.Location);
        Assert.Contains("Mode Pro", (await client.GetAsync("/test/businesses/subscriptions")).Text, StringComparison.Ordinal);

        // The test-mode session does not sign anyone in to the live unified portal, nor the other way round.
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/businesses/subscriptions")).Status);
        // Entering with another customer's subscription id opens the business, then that page is 404.
        await client.GetAsync("/test/businesses/subscriptions");
        var entered = await client.PostFormAsync("/test/businesses?handler=Enter", new Dictionary<string, string>
        {
            ["businessId"] = alpha.Business.Id,
            ["subscription"] = stranger.Str("subscription_id"),
        });
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(entered.Location!)).Status);
    }
}
