using System.Net;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Portal;

namespace Clientele.Tests.Dashboard.CustomerDetail;

/// <summary>The customer detail's pages: each tab answers for the business's own customer, and nothing tells another business's customer from one that does not exist.</summary>
public sealed class CustomerDetailShellTests(AppFixture app)
{
    private static readonly string[] Tabs = ["", "/payments", "/subscriptions", "/credits", "/license-keys", "/activity"];

    [Fact]
    public async Task Every_tab_shows_the_customer_and_marks_itself_current()
    {
        var business = await app.CreateBusinessAsync("Detail Shell Co");
        var customer = (await PortalTestData.CreateCustomerAsync(business.Test, DashboardTestData.UniqueEmail("ada"), "Ada Lovelace")).Str("customer_id");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Viewer);

        foreach (var tab in Tabs)
        {
            var response = await client.GetAsync($"/dashboard/customers/{customer}{tab}");
            Assert.Equal(HttpStatusCode.OK, response.Status);
            var html = response.Html;
            Assert.Contains("Ada Lovelace", html);
            Assert.Contains(customer, html);
            Assert.Contains($"<a aria-current=\"page\" href=\"/dashboard/customers/{customer}{tab}\">", html);
        }
    }

    [Fact]
    public async Task Another_business_customer_and_a_made_up_id_are_both_404()
    {
        var mine = await app.CreateBusinessAsync("Detail Mine Co");
        var theirs = await app.CreateBusinessAsync("Detail Theirs Co");
        var foreign = (await PortalTestData.CreateCustomerAsync(theirs.Test, DashboardTestData.UniqueEmail("grace"), "Grace Hopper")).Str("customer_id");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, mine.Id, DashboardRole.Owner);

        foreach (var tab in Tabs)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/dashboard/customers/{foreign}{tab}")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/dashboard/customers/cus_doesnotexist{tab}")).Status);
        }
        // The live-mode twin of a test customer is another object too.
        var (liveClient, _, _) = await DashboardTestData.SignedInAsync(app, theirs.Id, DashboardRole.Owner);
        await liveClient.PostFormAsync("/dashboard/switch?handler=Mode", new Dictionary<string, string> { ["mode"] = "live", ["returnUrl"] = "/dashboard" });
        Assert.Equal(HttpStatusCode.NotFound, (await liveClient.GetAsync($"/dashboard/customers/{foreign}")).Status);
    }

    [Fact]
    public async Task Share_invite_is_for_those_who_may_send_invites()
    {
        var business = await app.CreateBusinessAsync("Detail Share Co");
        var customer = (await PortalTestData.CreateCustomerAsync(business.Test, DashboardTestData.UniqueEmail("ada"), "Ada Lovelace")).Str("customer_id");
        var (viewer, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Viewer);
        var (support, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Support);

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/dashboard/customers/{customer}/share")).Status);
        Assert.DoesNotContain("/share\"", (await viewer.GetAsync($"/dashboard/customers/{customer}")).Html);
        Assert.Equal(HttpStatusCode.OK, (await support.GetAsync($"/dashboard/customers/{customer}/share")).Status);
    }
}
