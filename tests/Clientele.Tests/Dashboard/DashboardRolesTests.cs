using System.Net;
using System.Reflection;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.Dashboard.Team;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Tests.Dashboard;

/// <summary>Roles enforced on the server, businesses kept apart, and the business and mode switchers, over HTTP.</summary>
public sealed class DashboardRolesTests(AppFixture app)
{
    [Theory]
    [InlineData(DashboardRole.Viewer)]
    [InlineData(DashboardRole.Support)]
    [InlineData(DashboardRole.Admin)]
    public async Task Only_owners_reach_the_team_page_and_its_actions(DashboardRole role)
    {
        var business = await app.CreateBusinessAsync("Roles Co");
        var (owner, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, role);
        using var _owner = owner;
        using var _client = client;

        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/dashboard/team")).Status);
        var page = await client.GetAsync("/dashboard/team");
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("You do not have access to this", page.Text, StringComparison.Ordinal);

        // The form posts too, with a valid antiforgery token from a page they may see.
        var customers = await client.GetAsync("/dashboard/customers");
        Assert.DoesNotContain("href=\"/dashboard/team\"", customers.Html, StringComparison.Ordinal);
        var invited = DashboardTestData.UniqueEmail("sneaky");
        var invite = await client.PostFormAsync("/dashboard/team?handler=Invite", new Dictionary<string, string> { ["InviteEmail"] = invited, ["InviteRole"] = "owner" });
        Assert.Equal(HttpStatusCode.Forbidden, invite.Status);
        await client.GetAsync("/dashboard/customers");
        var members = await app.Services.GetRequiredService<DashboardTeam>().ListAsync(business.Id, CancellationToken.None);
        Assert.DoesNotContain(members, m => m.Email == invited);
    }

    [Fact]
    public async Task A_member_of_one_business_gets_404_for_another_by_url_and_by_switcher()
    {
        var mine = await app.CreateBusinessAsync("Mine Co");
        var theirs = await app.CreateBusinessAsync("Theirs Co");
        var (client, _, _) = await DashboardTestData.SignedInAsync(app, mine.Id, DashboardRole.Owner);
        using var _client = client;

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/dashboard/customers?business={mine.Id}")).Status);
        var other = await client.GetAsync($"/dashboard/customers?business={theirs.Id}");
        Assert.Equal(HttpStatusCode.NotFound, other.Status);
        Assert.DoesNotContain("Theirs Co", other.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/dashboard/team?business={theirs.Id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/customers?business=bus_doesnotexist")).Status);

        await client.GetAsync("/dashboard/customers");
        var switched = await client.PostFormAsync("/dashboard/switch?handler=Business", new Dictionary<string, string> { ["businessId"] = theirs.Id, ["returnUrl"] = "/dashboard/customers" });
        Assert.Equal(HttpStatusCode.NotFound, switched.Status);
        Assert.Contains("Mine Co", (await client.GetAsync("/dashboard/customers")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_in_two_businesses_switches_between_them_and_between_test_and_live()
    {
        var first = await app.CreateBusinessAsync("Alpha Switch Co");
        var second = await app.CreateBusinessAsync("Beta Switch Co");
        var (client, email, _) = await DashboardTestData.SignedInAsync(app, first.Id, DashboardRole.Owner);
        using var _client = client;
        await DashboardTestData.InviteAsync(app, second.Id, DashboardRole.Viewer, email);

        var page = await client.GetAsync("/dashboard/customers");
        Assert.Contains("The customers of Alpha Switch Co", page.Text, StringComparison.Ordinal);
        Assert.Contains("Test mode: you are looking at test data", page.Text, StringComparison.Ordinal);
        Assert.Contains("Switch to live mode", page.Text, StringComparison.Ordinal);

        var switched = await client.PostFormAsync("/dashboard/switch?handler=Business", new Dictionary<string, string> { ["businessId"] = second.Id, ["returnUrl"] = "/dashboard/customers" });
        Assert.Equal("/dashboard/customers", switched.Location);
        page = await client.GetAsync("/dashboard/customers");
        Assert.Contains("The customers of Beta Switch Co", page.Text, StringComparison.Ordinal);
        // A viewer there: the team page is not offered and is refused.
        Assert.DoesNotContain("href=\"/dashboard/team\"", page.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/dashboard/team")).Status);

        await client.GetAsync("/dashboard/customers");
        await client.PostFormAsync("/dashboard/switch?handler=Mode", new Dictionary<string, string> { ["mode"] = "live", ["returnUrl"] = "/dashboard/customers" });
        page = await client.GetAsync("/dashboard/customers");
        Assert.Contains("Live mode", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Test mode: you are looking at test data", page.Text, StringComparison.Ordinal);
        Assert.Contains("Switch to test mode", page.Text, StringComparison.Ordinal);

        // A shared link to the first business switches back to it (the person is a member there).
        page = await client.GetAsync($"/dashboard/customers?business={first.Id}");
        Assert.Contains("The customers of Alpha Switch Co", page.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard/team")).Status);
    }

    [Theory]
    [InlineData(DashboardRole.Owner, "ViewData ExportReports IssueRefunds SendPortalInvites AdjustWallets EditData ManageSettings ManageWebhooks ManageApiKeys ManageTeam ViewAuditLog")]
    [InlineData(DashboardRole.Admin, "ViewData ExportReports IssueRefunds SendPortalInvites AdjustWallets EditData ManageSettings ManageWebhooks ManageApiKeys ViewAuditLog")]
    [InlineData(DashboardRole.Support, "ViewData ExportReports IssueRefunds SendPortalInvites AdjustWallets")]
    [InlineData(DashboardRole.Viewer, "ViewData ExportReports")]
    public void The_permission_matrix_is_as_documented(DashboardRole role, string allowed) =>
        Assert.Equal(allowed, string.Join(' ', Enum.GetValues<DashboardPermission>().Where(p => role.Allows(p))));

    [Fact]
    public void Every_dashboard_handler_that_changes_something_names_its_permission()
    {
        var pages = typeof(DashboardPageModel).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(DashboardPageModel)) && !t.IsAbstract).ToList();
        var handlers = pages.SelectMany(page => page.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.Name.StartsWith("OnPost", StringComparison.Ordinal) || m.Name.StartsWith("OnPut", StringComparison.Ordinal) || m.Name.StartsWith("OnDelete", StringComparison.Ordinal))
            .Select(m => (page, m))).ToList();
        Assert.Contains(pages, p => p.Name == "TeamModel");
        Assert.True(handlers.Count >= 5, $"found {handlers.Count} handlers");
        var unnamed = handlers.Where(h => h.m.GetCustomAttribute<RequirePermissionAttribute>() is null).Select(h => $"{h.page.Name}.{h.m.Name}").ToList();
        Assert.True(unnamed.Count == 0, $"Handlers without [RequirePermission]: {string.Join(", ", unnamed)}");
        Assert.DoesNotContain(pages, p => p.GetCustomAttribute<IgnoreAntiforgeryTokenAttribute>() is not null);
    }
}
