using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Customers;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Portal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Clientele.Tests.Dashboard;

/// <summary>The Customers page as a merchant uses it, in Chromium, by role and accessible name; axe on every page, light and dark.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class CustomersPageTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task Search_by_each_key_filter_page_edit_columns_and_download_a_report()
    {
        var business = await app.CreateBusinessAsync("Customers Page Co");
        var ada = (await PortalTestData.CreateCustomerAsync(business.Test, $"ada-{Guid.NewGuid():N}@example.com", "Ada Lovelace")).Str("customer_id");
        var grace = await PortalTestData.CreateCustomerAsync(business.Test, $"grace-{Guid.NewGuid():N}@example.com", "Grace Hopper");
        for (var i = 0; i < 11; i++)
        {
            await PortalTestData.CreateCustomerAsync(business.Test, $"filler-{i}-{Guid.NewGuid():N}@example.com", $"Filler {i:D2}");
        }
        await business.Test.PostJsonAsync($"/customers/{ada}/wallets/ledger-entries", new { amount = 500, currency = "USD", entry_type = "credit", idempotency_key = Guid.NewGuid().ToString() });
        var (_, _, link) = await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Viewer);

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{app.BaseAddress.ToString().TrimEnd('/')}{link}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        // A web-first assertion rather than WaitForURLAsync: it does not hang on the page's load event (this wait once
        // ran out at 30 s on a loaded machine), and a miss names the address the browser is at instead.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/dashboard/customers$"));

        var table = page.GetByRole(AriaRole.Table, new() { Name = "Customers of Customers Page Co" });
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Showing 1–10 of 13" })).ToBeVisibleAsync();
        await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(11);
        await Accessibility.AssertCleanAsync(page);

        // Pagination: the second page holds the rest; the state is in the URL.
        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("[?&]page=2"));
        await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(4);

        // One box: partial name, e-mail, customer id.
        var search = page.GetByLabel("Search by name, e-mail or customer id");
        foreach (var (text, expected) in new[] { ("hopp", "Grace Hopper"), (grace.Str("email"), "Grace Hopper"), (ada, "Ada Lovelace") })
        {
            await search.FillAsync(text);
            await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
            await Assertions.Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
            await Assertions.Expect(table.GetByRole(AriaRole.Rowheader)).ToContainTextAsync(expected);
        }

        // A filter: only Ada has a wallet balance.
        await search.FillAsync("");
        await page.GetByLabel("Has a wallet balance").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("has_wallet_balance=true"));
        await Assertions.Expect(table.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync([new Regex("Ada Lovelace")]);

        // Edit columns: add the wallet balances, drop the phone; remembered for this person.
        await page.GetByText("Edit columns").ClickAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Show Phone" }).UncheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Show Wallet balances" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save columns" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Columns saved." })).ToBeVisibleAsync();
        await Assertions.Expect(table.GetByRole(AriaRole.Columnheader, new() { Name = "Wallet balances" })).ToBeVisibleAsync();
        await Assertions.Expect(table.GetByRole(AriaRole.Columnheader, new() { Name = "Phone" })).ToHaveCountAsync(0);
        await Assertions.Expect(table.GetByRole(AriaRole.Cell, new() { Name = "$5.00" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        // A report of the current search: progress page, then the CSV with those rows and columns.
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate report" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard/customers/reports/"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Customer report" })).ToBeVisibleAsync();
        // Queued: the progress bar and what it waits for (this test's server runs reports only when told).
        await Assertions.Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = "Progress" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Waiting to start…")).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        Assert.Equal(1, await app.Services.GetRequiredService<CustomerReportRunner>().RunOnceAsync(business.Id, null, int.MaxValue, CancellationToken.None));
        // The page follows by itself.
        var download = page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Download CSV") });
        await Assertions.Expect(download).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var file = await page.RunAndWaitForDownloadAsync(() => download.ClickAsync());
        var csv = await File.ReadAllTextAsync(await file.PathAsync());
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain("phone", lines[0]);
        Assert.Contains("wallet_balances", lines[0]);
        Assert.Contains(ada, lines[1]);
        await Accessibility.AssertCleanAsync(page);
    }

    [Fact]
    public async Task A_wrong_value_in_the_address_is_named_and_the_list_still_shows()
    {
        var business = await app.CreateBusinessAsync("Customers Bad Url Co");
        await PortalTestData.CreateCustomerAsync(business.Test, $"bad-{Guid.NewGuid():N}@example.com", "Bea Bad");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Viewer);
        using (client)
        {
            var page = await client.GetAsync("/dashboard/customers?page_size=7");
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, page.Status);
            Assert.Contains("page_size", page.Text);
            Assert.Contains("Bea Bad", page.Text);
        }
    }

    [Fact]
    public async Task Another_business_cannot_open_a_report()
    {
        var mine = await app.CreateBusinessAsync("Report Owner Co");
        var theirs = await app.CreateBusinessAsync("Report Other Co");
        var (owner, _, _) = await DashboardTestData.SignedInAsync(app, mine.Id, DashboardRole.Viewer);
        var (other, _, _) = await DashboardTestData.SignedInAsync(app, theirs.Id, DashboardRole.Owner);
        using (owner)
        using (other)
        {
            await owner.GetAsync("/dashboard/customers");
            var requested = await owner.PostFormAsync("/dashboard/customers?handler=Report", new Dictionary<string, string> { ["reportKey"] = Guid.NewGuid().ToString("N") });
            Assert.Equal(System.Net.HttpStatusCode.Redirect, requested.Status);
            var reportPath = requested.Location!;
            Assert.Equal(System.Net.HttpStatusCode.OK, (await owner.GetAsync(reportPath)).Status);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await other.GetAsync(reportPath)).Status);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await other.GetAsync(reportPath + "?handler=Download")).Status);
        }
    }
}
