using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Portal;
using Microsoft.Playwright;

namespace Clientele.Tests.Dashboard.Settings;

/// <summary>The settings pages as a merchant uses them, in Chromium, by role and accessible name; axe-core on every page, light and dark.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class SettingsBrowserTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task Upload_a_logo_and_see_it_in_the_portal_create_and_revoke_an_api_key_and_visit_every_settings_page()
    {
        var business = await app.CreateBusinessAsync("Browser Settings Co");
        var endpoint = (await business.Test.PostJsonAsync("/webhooks", new { url = "https://hooks.example.com/browser", description = "Browser hooks" })).Str("id");
        await SettingsTestData.EmitAsync(app, business.Id);
        var (_, _, link) = await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Owner);
        var baseUrl = app.BaseAddress.ToString().TrimEnd('/');

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(baseUrl + link);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard/customers$"));

        // Branding: upload a logo, set the colour and links; the preview shows what was saved.
        var settingsNav = page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.List, new() { Name = "Settings" });
        await settingsNav.GetByRole(AriaRole.Link, new() { Name = "Branding" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Portal branding", Level = 1 })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByLabel("Accent colour").FillAsync("#ffff00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save branding" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Accent colour: Contrast against white is below 3:1");
        await Accessibility.AssertCleanAsync(page);
        await page.GetByLabel("Accent colour").FillAsync("#0f766e");
        await page.GetByLabel("Logo", new() { Exact = true }).SetInputFilesAsync(new FilePayload { Name = "logo.png", MimeType = "image/png", Buffer = SettingsTestData.Png });
        await page.GetByLabel("Privacy policy link").FillAsync("https://browser.example.com/privacy");
        await page.GetByLabel("Terms of service link").FillAsync("https://browser.example.com/terms");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save branding" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("Branding saved.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Current logo" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        // The customer's portal, in a browser of its own, shows the logo and the links.
        await using (var customer = await browser.NewContextAsync())
        {
            var created = await PortalTestData.CreateCustomerAsync(business.Test);
            var portal = await customer.NewPageAsync();
            await portal.GotoAsync(baseUrl + await PortalTestData.DynamicLinkPathAsync(business.Test, created.Str("customer_id")));
            await portal.WaitForURLAsync(new Regex("/session/overview"));
            var logo = portal.Locator("header.site .brand img");
            await Assertions.Expect(logo).ToHaveAttributeAsync("src", new Regex($"^/brand/{business.Id}/logo/[0-9a-f]+$"));
            Assert.True(await logo.EvaluateAsync<int>("img => img.naturalWidth") > 0, "the logo loads");
            await Assertions.Expect(portal.GetByRole(AriaRole.Link, new() { Name = "Privacy policy" })).ToHaveAttributeAsync("href", "https://browser.example.com/privacy");
            await Assertions.Expect(portal.GetByRole(AriaRole.Link, new() { Name = "Terms of service" })).ToBeVisibleAsync();
            await Accessibility.AssertCleanAsync(portal);
        }

        // Subscription settings.
        await settingsNav.GetByRole(AriaRole.Link, new() { Name = "Subscriptions" }).ClickAsync();
        await page.GetByLabel("Customers may pause and resume their subscriptions").CheckAsync();
        await page.GetByLabel("When a customer's cancellation takes effect").SelectOptionAsync(new SelectOptionValue { Label = "Immediately" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save subscription settings" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("Subscription settings saved.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Customers may pause and resume their subscriptions")).ToBeCheckedAsync();
        await Accessibility.AssertCleanAsync(page);

        // API keys: create (the secret shown once), use it, revoke it (401 afterwards).
        await settingsNav.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Browser key");
        await page.GetByLabel("Mode", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Test" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Key “Browser key” created" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy key" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        var secret = (await page.Locator("#new-api-key").TextContentAsync())!.Trim();
        using var api = app.Client(secret);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.GetAsync("/customers")).StatusCode);

        await page.GetByRole(AriaRole.Link, new() { Name = "Revoke Browser key" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Revoke the key “Browser key”?" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("Key revoked.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Browser key" })).ToContainTextAsync("Revoked");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await api.GetAsync("/customers")).StatusCode);

        // Webhooks: the list, an endpoint with its delivery log, the rotation's confirmation.
        await settingsNav.GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Webhooks", Level = 1 })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "https://hooks.example.com/browser" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Delivery log" }).GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Resend payment.succeeded") }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("Resend queued")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Delivery log" }).GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await page.GetByRole(AriaRole.Link, new() { Name = "Rotate signing secret" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rotate the signing secret?" })).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate the secret" }).ClickAsync();
        await Assertions.Expect(page.Locator("#new-webhook-secret")).ToContainTextAsync("whsec_");
        await Accessibility.AssertCleanAsync(page);
        Assert.Contains(endpoint, page.Url, StringComparison.Ordinal);
    }
}
