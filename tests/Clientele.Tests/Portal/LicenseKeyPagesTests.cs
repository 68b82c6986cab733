using System.Net;
using System.Text.RegularExpressions;
using Clientele.Features.LicenseKeys;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.LicenseKeys;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Clientele.Tests.Portal;

/// <summary>License keys as their buyer sees them: Chromium at phone width, by role and name, axe-core light and dark.</summary>
[Collection(SerialPortalCollection.Name)]
public sealed class LicenseKeyPagesTests(AppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task A_customer_reveals_and_copies_a_key_and_deactivating_a_device_frees_its_seat()
    {
        var (business, customerId, key) = await KeyOwnerAsync("Keys Co");
        var laptop = await ActivateAsync(key.Key, "Laptop");
        await ActivateAsync(key.Key, "Desktop");
        await using var context = await browser.NewContextAsync();
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = app.BaseAddress.GetLeftPart(UriPartial.Authority) });
        var page = await SignedInPageAsync(context, business, customerId);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Portal sections" }).GetByRole(AriaRole.Link, new() { Name = "License keys" }).ClickAsync();
        var item = page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Desktop licence" }) });
        await Assertions.Expect(item.GetByText("Active", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(item.GetByText("2 of 2 used")).ToBeVisibleAsync();
        await Assertions.Expect(item.GetByText("Never", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(item.GetByText(key.Key)).ToBeHiddenAsync();
        await Assertions.Expect(item.GetByText("•••••-•••••-•••••-•••••-" + key.Key[^5..])).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);

        await item.GetByRole(AriaRole.Button, new() { Name = "Reveal key" }).ClickAsync();
        await Assertions.Expect(item.GetByText(key.Key)).ToBeVisibleAsync();
        await item.GetByRole(AriaRole.Button, new() { Name = "Hide key" }).ClickAsync();
        await Assertions.Expect(item.GetByText(key.Key)).ToBeHiddenAsync();

        await item.GetByRole(AriaRole.Button, new() { Name = "Copy key" }).ClickAsync();
        await Assertions.Expect(item.GetByRole(AriaRole.Status)).ToHaveTextAsync("Key copied to the clipboard.");
        Assert.Equal(key.Key, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));

        var laptopRow = item.GetByRole(AriaRole.Row).Filter(new() { HasText = "Laptop" });
        await laptopRow.GetByRole(AriaRole.Link, new() { Name = "Deactivate Laptop" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Deactivate Laptop?", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Its seat is freed for another device (now: 2 of 2 used).")).ToBeVisibleAsync();
        await Accessibility.AssertCleanAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Deactivate this device" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "The device was deactivated; its seat is free again." })).ToBeVisibleAsync();
        await Assertions.Expect(item.GetByText("1 of 2 used")).ToBeVisibleAsync();
        await Assertions.Expect(item.GetByRole(AriaRole.Row).Filter(new() { HasText = "Laptop" })).ToHaveCountAsync(0);
        await Accessibility.AssertCleanAsync(page);
        var licenses = app.Services.GetRequiredService<LicenseActivations>();
        Assert.False(await licenses.ValidateAsync(new ValidateRequest(key.Key, laptop), CancellationToken.None));
        Assert.Equal(1, await InstancesCountAsync(key.Id));
        // The freed seat takes a new device.
        await ActivateAsync(key.Key, "Tablet");
    }

    [Fact]
    public async Task Reveal_works_without_script_and_copy_is_not_offered_there()
    {
        var (business, customerId, key) = await KeyOwnerAsync("No Script Keys Co");
        await using var context = await browser.Browser.NewContextAsync(new() { JavaScriptEnabled = false, ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await SignedInPageAsync(context, business, customerId, script: false);
        await page.GotoAsync(page.Url.Replace("/session/overview", "/session/license-keys", StringComparison.Ordinal));

        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy key" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reveal key" }).ClickAsync();
        await page.WaitForURLAsync(new Regex($"reveal={key.Id}"));
        await Assertions.Expect(page.GetByText(key.Key)).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Hide key" }).ClickAsync();
        await Assertions.Expect(page.GetByText(key.Key)).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_key_that_does_not_work_says_why()
    {
        var (business, customerId, key) = await KeyOwnerAsync("Why Keys Co");
        var payment = await LicenseTestData.PayAsync(app, business.Test, (await LicenseTestData.LicensedProductAsync(business.Test), 1));
        await business.Test.PatchJsonAsync($"/license_keys/{key.Id}", new { disabled = true });
        var other = (await LicenseTestData.KeysOfPaymentAsync(business.Test, payment)).Single().Str("id");
        await using (var connection = LicenseTestData.Database())
        {
            // Expired yesterday, and moved to this customer so both show on one page.
            await connection.ExecuteAsync("UPDATE license_keys SET expires_at = now() - interval '1 day', customer_id = @customerId WHERE id = @other",
                new { other, customerId });
        }
        using var portal = await SignedInClientAsync(business, customerId);

        var list = await portal.GetAsync("/test/session/license-keys");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains("Disabled by Why Keys Co. Contact them if you think this is a mistake.", list.Text, StringComparison.Ordinal);
        Assert.Matches(@"Expired on \w+, \w+ \d+, \d{4}\.", list.Text);
    }

    [Fact]
    public async Task Another_customers_key_and_activation_are_not_found_and_unchanged()
    {
        var (business, customerId, _) = await KeyOwnerAsync("Two Keys Co");
        var theirs = await LicenseTestData.PayAsync(app, business.Test, (await LicenseTestData.LicensedProductAsync(business.Test), 1));
        var theirKey = (await LicenseTestData.KeysOfPaymentAsync(business.Test, theirs)).Single();
        var theirInstance = await ActivateAsync(theirKey.Str("key"), "Their laptop");
        using var portal = await SignedInClientAsync(business, customerId);

        var path = $"/test/session/license-keys/{theirKey.Str("id")}/activations/{theirInstance}/deactivate";
        Assert.Equal(HttpStatusCode.NotFound, (await portal.GetAsync(path)).Status);
        var list = await portal.GetAsync("/test/session/license-keys");
        Assert.DoesNotContain(theirKey.Str("key"), list.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Their laptop", list.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.PostFormAsync(path)).Status);
        Assert.Equal(1, await InstancesCountAsync(theirKey.Str("id")));
    }

    [Fact]
    public async Task A_double_submitted_deactivation_frees_one_seat()
    {
        var (business, customerId, key) = await KeyOwnerAsync("Double Keys Co");
        var laptop = await ActivateAsync(key.Key, "Laptop");
        await ActivateAsync(key.Key, "Desktop");
        using var portal = await SignedInClientAsync(business, customerId);
        var path = $"/test/session/license-keys/{key.Id}/activations/{laptop}/deactivate";
        Assert.Equal(HttpStatusCode.OK, (await portal.GetAsync(path)).Status);

        var answers = await Task.WhenAll(portal.PostFormAsync(path), portal.PostFormAsync(path));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.Status));
        Assert.Contains(answers, a => a.Location!.EndsWith("done=deactivated", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Location!.EndsWith("done=gone", StringComparison.Ordinal));
        Assert.Equal(1, await InstancesCountAsync(key.Id));
    }

    /// <summary>A business, a customer who bought a licensed product (two seats), and their key.</summary>
    private async Task<(TestBusiness Business, string CustomerId, (string Id, string Key) Key)> KeyOwnerAsync(string businessName)
    {
        var business = await app.CreateBusinessAsync(businessName);
        var payment = await LicenseTestData.PayAsync(app, business.Test, (await LicenseTestData.LicensedProductAsync(business.Test, limit: 2), 1));
        var key = (await LicenseTestData.KeysOfPaymentAsync(business.Test, payment)).Single();
        return (business, payment["customer"]!.Str("customer_id"), (key.Str("id"), key.Str("key")));
    }

    private async Task<string> ActivateAsync(string key, string name)
    {
        var outcome = await app.Services.GetRequiredService<LicenseActivations>().ActivateAsync(new ActivateRequest(key, name), CancellationToken.None);
        return Assert.IsType<ActivationOutcome.Activated>(outcome).Instance.Id;
    }

    private static async Task<int> InstancesCountAsync(string keyId)
    {
        await using var connection = LicenseTestData.Database();
        var (count, rows) = await connection.QuerySingleAsync<(int, int)>(
            "SELECT instances_count, (SELECT count(*)::int FROM license_key_instances WHERE license_key_id = @keyId) FROM license_keys WHERE id = @keyId", new { keyId });
        Assert.Equal(count, rows);
        return count;
    }

    private static async Task<IPage> SignedInPageAsync(IBrowserContext context, TestBusiness business, string customerId, bool script = true)
    {
        var link = (await business.Test.PostJsonAsync($"/customers/{customerId}/customer-portal/session", "")).Str("link");
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        if (!script)
        {
            // Without script the link's interstitial waits for a click.
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        }
        await page.WaitForURLAsync(new Regex("/session/overview$"));
        return page;
    }

    private async Task<PortalClient> SignedInClientAsync(TestBusiness business, string customerId)
    {
        var portal = new PortalClient(app.BaseAddress);
        var redeemed = await PortalTestData.RedeemAsync(portal, await PortalTestData.DynamicLinkPathAsync(business.Test, customerId));
        Assert.Equal(HttpStatusCode.Redirect, redeemed.Status);
        return portal;
    }
}
