using System.Net;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Subscriptions;

namespace Clientele.Tests.Dashboard.Settings;

/// <summary>The subscription settings page saves what <c>PATCH /settings/subscriptions</c> saves, with the same validation.</summary>
public sealed class SubscriptionSettingsPageTests(AppFixture app)
{
    private const string Page = "/dashboard/settings/subscriptions";

    [Fact]
    public async Task The_page_saves_the_settings_the_api_reads_and_refuses_what_the_api_refuses()
    {
        var business = await app.CreateBusinessAsync("Subs Settings Co");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _client = client;

        var page = await client.GetAsync(Page);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("These settings apply to Test mode", page.Text, StringComparison.Ordinal);
        var saved = await client.PostFormAsync(Page, new Dictionary<string, string>
        {
            ["AllowPlanChanges"] = "true",
            ["AllowCustomerCancel"] = "true",
            ["PortalCancelAt"] = "immediately",
            ["PortalProrationMode"] = "difference_immediately",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        Assert.Contains("Subscription settings saved.", (await client.GetAsync(saved.Location!)).Text, StringComparison.Ordinal);

        var settings = await business.Test.GetJsonAsync("/settings/subscriptions");
        Assert.True(settings["allow_plan_changes"]!.GetValue<bool>());
        Assert.True(settings["allow_customer_cancel"]!.GetValue<bool>());
        Assert.False(settings["allow_customer_pause"]!.GetValue<bool>());
        Assert.False(settings["allow_multiple_subscriptions"]!.GetValue<bool>());
        Assert.Equal("immediately", settings.Str("portal_cancel_at"));
        Assert.Equal("difference_immediately", settings.Str("portal_proration_mode"));
        // Live mode is untouched: the defaults.
        Assert.Equal("next_billing_date", (await business.Live.GetJsonAsync("/settings/subscriptions")).Str("portal_cancel_at"));

        var refused = await client.PostFormAsync(Page, new Dictionary<string, string> { ["PortalProrationMode"] = "whenever", ["AllowPlanChanges"] = "false" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("Choose one of the options offered.", refused.Text, StringComparison.Ordinal);
        Assert.True((await business.Test.GetJsonAsync("/settings/subscriptions"))["allow_plan_changes"]!.GetValue<bool>());
        await business.Test.PatchJsonAsync("/settings/subscriptions", new { portal_cancel_at = "someday" }, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Cancelling_immediately_set_on_the_page_ends_a_customers_subscription_at_once_in_the_portal()
    {
        var business = await app.CreateBusinessAsync("Cancel Now Co");
        var driver = new SubscriptionDriver(app, business);
        var subscription = await driver.SubscribeAsync(await driver.ProductAsync(900, "Now Plan"));
        var subscriptionId = subscription.Str("subscription_id");
        var customerId = subscription["customer"]!.Str("customer_id");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _client = client;
        await client.GetAsync(Page);
        await client.PostFormAsync(Page, new Dictionary<string, string> { ["AllowCustomerCancel"] = "true", ["PortalCancelAt"] = "immediately", ["PortalProrationMode"] = "prorated_immediately" });

        using var portal = new PortalClient(app.BaseAddress);
        var link = new Uri((await business.Test.PostJsonAsync($"/customers/{customerId}/customer-portal/session", "")).Str("link")).AbsolutePath;
        await portal.GetAsync(link);
        await portal.PostFormAsync(link);
        var path = $"/test/session/subscriptions/{subscriptionId}/cancel";
        var confirm = await portal.GetAsync(path);
        Assert.Contains("Your subscription ends now", confirm.Text, StringComparison.Ordinal);
        var cancelled = await portal.PostFormAsync(path, new Dictionary<string, string> { ["Feedback"] = "unused" });
        Assert.Equal(HttpStatusCode.Redirect, cancelled.Status);
        Assert.Contains("Your subscription is cancelled.", (await portal.GetAsync(cancelled.Location!)).Text, StringComparison.Ordinal);
        Assert.Equal("cancelled", (await business.Test.GetJsonAsync($"/subscriptions/{subscriptionId}")).Str("status"));
    }
}
