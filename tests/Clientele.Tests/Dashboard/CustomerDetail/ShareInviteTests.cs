using System.Net;
using System.Text.RegularExpressions;
using Clientele.Features.Dashboard;
using Clientele.Tests.Infrastructure;
using Clientele.Tests.Portal;

namespace Clientele.Tests.Dashboard.CustomerDetail;

/// <summary>Share invite: the static link of the mode, and a dynamic link made by the API's operation, shown once and never in a URL.</summary>
public sealed partial class ShareInviteTests(AppFixture app)
{
    [Fact]
    public async Task Support_generates_a_dynamic_link_that_opens_that_customer_portal()
    {
        var (business, customer, email, support) = await SetUpAsync(DashboardRole.Support);
        var page = await support.GetAsync($"/dashboard/customers/{customer}/share");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"/test/login/{business.Id}</code>", page.Html);

        var generated = await support.PostFormAsync($"/dashboard/customers/{customer}/share?handler=Generate",
            new Dictionary<string, string> { ["FormId"] = FormIdIn(page.Html), ["ReturnUrl"] = "https://example.com/account" });
        Assert.Equal(HttpStatusCode.OK, generated.Status);
        Assert.Null(generated.Location);
        Assert.Contains("no-store", generated.CacheControl);
        var link = DynamicLink().Match(generated.Html).Groups[1].Value;
        Assert.StartsWith(app.BaseAddress.ToString().TrimEnd('/') + "/test/link/", link);
        Assert.Equal(0, await Mailbox.CountAsync(app, email));

        // A fresh browser lands in this customer's portal, once.
        using var fresh = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        var redeemed = await PortalTestData.RedeemAsync(fresh, Mailbox.PathOf(link));
        Assert.Equal(HttpStatusCode.Redirect, redeemed.Status);
        var portal = await fresh.GetFollowingAsync(redeemed.Location!);
        Assert.Equal(HttpStatusCode.OK, portal.Status);
        Assert.Contains("Ada Lovelace", portal.Text);
        Assert.Contains("https://example.com/account", portal.Html);
        using var again = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        Assert.Equal(HttpStatusCode.Gone, (await again.GetAsync(Mailbox.PathOf(link))).Status);
    }

    [Fact]
    public async Task E_mailing_the_link_sends_one_mail_even_when_the_form_is_sent_twice()
    {
        var (_, customer, email, owner) = await SetUpAsync(DashboardRole.Owner);
        var page = await owner.GetAsync($"/dashboard/customers/{customer}/share");
        var fields = new Dictionary<string, string> { ["FormId"] = FormIdIn(page.Html), ["SendEmail"] = "true" };
        var first = await owner.PostFormAsync($"/dashboard/customers/{customer}/share?handler=Generate", fields);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Contains($"E-mailed to {email}", first.Text);
        var second = await owner.PostFormAsync($"/dashboard/customers/{customer}/share?handler=Generate", fields);
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.DoesNotMatch(DynamicLink(), second.Html);
        var mail = await Mailbox.WaitForAsync(app, email);
        Assert.Equal(Mailbox.PathOf(DynamicLink().Match(first.Html).Groups[1].Value), Mailbox.PathOf(Mailbox.LinkIn(mail)));
        Assert.Equal(1, await Mailbox.CountAsync(app, email));
    }

    [Fact]
    public async Task A_bad_return_url_is_named_next_to_the_field_and_makes_no_link()
    {
        var (_, customer, _, owner) = await SetUpAsync(DashboardRole.Admin);
        var page = await owner.GetAsync($"/dashboard/customers/{customer}/share");
        var refused = await owner.PostFormAsync($"/dashboard/customers/{customer}/share?handler=Generate",
            new Dictionary<string, string> { ["FormId"] = FormIdIn(page.Html), ["ReturnUrl"] = "http://evil.example/" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("id=\"share-return-url-error\"", refused.Html);
        Assert.DoesNotMatch(DynamicLink(), refused.Html);
    }

    [Fact]
    public async Task A_viewer_is_refused_and_another_business_customer_is_404()
    {
        var (business, customer, _, viewer) = await SetUpAsync(DashboardRole.Viewer);
        await viewer.GetFollowingAsync("/dashboard");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostFormAsync($"/dashboard/customers/{customer}/share?handler=Generate")).Status);

        var other = await app.CreateBusinessAsync("Share Other Co");
        var (owner, _, _) = await DashboardTestData.SignedInAsync(app, other.Id, DashboardRole.Owner);
        await owner.GetFollowingAsync("/dashboard");
        Assert.Equal(HttpStatusCode.NotFound, (await owner.PostFormAsync($"/dashboard/customers/{customer}/share?handler=Generate")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/dashboard/customers/{customer}/share")).Status);
        _ = business;
    }

    [Fact]
    public async Task The_customers_list_invite_opens_the_share_page()
    {
        var (_, customer, _, support) = await SetUpAsync(DashboardRole.Support);
        var list = await support.GetFollowingAsync("/dashboard/customers");
        Assert.Contains($"href=\"/dashboard/customers/{customer}/share\"", list.Html);
    }

    private async Task<(TestBusiness Business, string CustomerId, string Email, PortalClient Client)> SetUpAsync(DashboardRole role)
    {
        var business = await app.CreateBusinessAsync("Share Invite Co");
        var email = DashboardTestData.UniqueEmail("ada");
        var customer = (await PortalTestData.CreateCustomerAsync(business.Test, email, "Ada Lovelace")).Str("customer_id");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, role);
        return (business, customer, email, client);
    }

    private static string FormIdIn(string html) => FormIdPattern().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"FormId\" value=\"([^\"]+)\"")]
    private static partial Regex FormIdPattern();

    [GeneratedRegex("<code id=\"dynamic-link\">([^<]+)</code>")]
    private static partial Regex DynamicLink();
}
