using System.Net;
using System.Net.Http.Json;
using Clientele.Features.Dashboard;
using Clientele.Tests.Checkout;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Portal;
using Clientele.Tests.Subscriptions;

namespace Clientele.Tests.Dashboard.CustomerDetail;

/// <summary>The Activity tab: every kind of record about the customer in one timeline, and nothing of anyone else.</summary>
public sealed class ActivityTabTests(AppFixture app)
{
    [Fact]
    public async Task Lists_each_kind_for_the_customer_and_nothing_of_another_customer_business_or_mode()
    {
        var business = await app.CreateBusinessAsync("Activity Co");
        await business.Test.PostJsonAsync("/webhooks", new { url = "https://example.com/hooks/activity" });
        var driver = new SubscriptionDriver(app, business);
        var email = PortalTestData.UniqueEmail("act");
        var subscription = await driver.SubscribeAsync(await driver.ProductAsync(1200, "Pro plan"), email: email);
        var customer = subscription["customer"]!.Str("customer_id");
        var paid = (await business.Test.GetJsonAsync($"/payments?customer_id={customer}"))["items"]!.AsArray().Single()!.Str("payment_id");

        var (_, declinedPath) = await driver.Checkout.SessionAsync(await driver.Checkout.ProductAsync(900), email: email);
        using (await driver.Checkout.PayAsync(declinedPath, CheckoutDriver.Declined))
        {
        }
        var refund = await business.Test.PostJsonAsync("/refunds", new { payment_id = paid, reason = "Asked nicely" });
        using (var credit = await business.Test.PostAsJsonAsync($"/customers/{customer}/wallets/ledger-entries",
            new { amount = 700, currency = "USD", entry_type = "credit", reason = "Activity credit" }))
        {
            credit.EnsureSuccessStatusCode();
        }
        using var portal = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        Assert.Equal(HttpStatusCode.Redirect, (await PortalTestData.RedeemAsync(portal, await PortalTestData.DynamicLinkPathAsync(business.Test, customer))).Status);

        // Others: a second customer of the business, another business, and the live mode.
        var otherSubscription = await driver.SubscribeAsync(await driver.ProductAsync(500, "Other plan"));
        var otherCustomer = otherSubscription["customer"]!.Str("customer_id");
        var otherBusiness = await app.CreateBusinessAsync("Activity Other Co");
        var foreign = await new SubscriptionDriver(app, otherBusiness).SubscribeAsync(await new SubscriptionDriver(app, otherBusiness).ProductAsync(800), email: email);

        var (viewer, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Viewer);
        var page = await viewer.GetAsync($"/dashboard/customers/{customer}/activity");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var text = page.Text;
        foreach (var label in new[] { "Payment succeeded", "Payment failed", "Refund", "Subscription created", "Subscription change", "Wallet credit",
            "E-mail sent", "Portal sign-in", "Webhook delivery" })
        {
            Assert.Contains($"<strong>{label}</strong>", text);
        }
        Assert.Contains(paid, text);
        Assert.Contains($"of payment {paid}", text);
        Assert.NotNull(refund.Str("refund_id"));
        Assert.Contains("Activity credit", text);
        Assert.Contains("subscription.active", text);
        Assert.Contains("https://example.com/hooks/activity", text);
        Assert.Contains($"href=\"/dashboard/customers/{customer}/payments\"", page.Html);
        Assert.Contains($"href=\"/dashboard/customers/{customer}/credits\"", page.Html);

        Assert.DoesNotContain(otherSubscription.Str("subscription_id"), text);
        Assert.DoesNotContain(otherCustomer, text[text.IndexOf("Activity of", StringComparison.Ordinal)..]);
        Assert.DoesNotContain(foreign.Str("subscription_id"), text);

        // The same customer id seen from the live mode is nobody.
        await viewer.PostFormAsync("/dashboard/switch?handler=Mode", new Dictionary<string, string> { ["mode"] = "live", ["returnUrl"] = "/dashboard" });
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"/dashboard/customers/{customer}/activity")).Status);
    }

    [Fact]
    public async Task Pages_newest_first_by_keyset_without_repeats_or_gaps()
    {
        var business = await app.CreateBusinessAsync("Activity Pages Co");
        var customer = (await PortalTestData.CreateCustomerAsync(business.Test, PortalTestData.UniqueEmail("pages"))).Str("customer_id");
        for (var i = 1; i <= 30; i++)
        {
            using var response = await business.Test.PostAsJsonAsync($"/customers/{customer}/wallets/ledger-entries",
                new { amount = i, currency = "USD", entry_type = "credit", reason = $"entry-{i:D2}" });
            response.EnsureSuccessStatusCode();
        }
        var (viewer, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Viewer);
        var seen = new List<string>();
        var path = $"/dashboard/customers/{customer}/activity";
        for (var pages = 0; path is not null && pages < 5; pages++)
        {
            var page = await viewer.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            seen.AddRange(System.Text.RegularExpressions.Regex.Matches(page.Text, "entry-([0-9]{2})").Select(m => m.Groups[1].Value));
            var older = System.Text.RegularExpressions.Regex.Match(page.Html, "href=\"([^\"]*before=[^\"]+)\"");
            path = older.Success ? WebUtility.HtmlDecode(older.Groups[1].Value) : null;
        }
        Assert.Equal(Enumerable.Range(1, 30).Reverse().Select(i => i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)), seen);
    }
}
