using System.Net;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Team;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Dashboard;

/// <summary>A person in several businesses: a new sign-in opens the business they used last (kept per person, on the server), over HTTP.</summary>
public sealed class LastBusinessTests(AppFixture app)
{
    [Fact]
    public async Task A_new_sign_in_opens_the_business_used_last_and_the_first_membership_once_that_one_is_left()
    {
        var alpha = await app.CreateBusinessAsync("Alpha Last Co");
        var beta = await app.CreateBusinessAsync("Beta Last Co");
        var (email, userId, link) = await DashboardTestData.InviteAsync(app, alpha.Id, DashboardRole.Owner);
        await DashboardTestData.InviteAsync(app, beta.Id, DashboardRole.Viewer, email);

        using (var first = await SignInAsync(link))
        {
            // The first sign-in has no last business yet: the first membership by name.
            Assert.Contains("The customers of Alpha Last Co", (await first.GetAsync("/dashboard/customers")).Text, StringComparison.Ordinal);
            var switched = await first.PostFormAsync("/dashboard/switch?handler=Business", new Dictionary<string, string> { ["businessId"] = beta.Id, ["returnUrl"] = "/dashboard/customers" });
            Assert.Equal("/dashboard/customers", switched.Location);
            Assert.Contains("The customers of Beta Last Co", (await first.GetAsync("/dashboard/customers")).Text, StringComparison.Ordinal);
            Assert.Equal("/dashboard/signed-out", (await first.PostFormAsync("/dashboard/logout")).Location);
        }
        Assert.Equal(beta.Id, await LastBusinessAsync(userId));

        // Another browser, a new link: it opens on Beta, where the person left off.
        using (var second = await SignInAsync(await DashboardTestData.LinkPathAsync(app, alpha.Id, email)))
        {
            var page = await second.GetAsync("/dashboard/customers");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Contains("The customers of Beta Last Co", page.Text, StringComparison.Ordinal);
            // A viewer there: the team page is not theirs in this business.
            Assert.Equal(HttpStatusCode.Forbidden, (await second.GetAsync("/dashboard/team")).Status);
        }

        // Removed from Beta: the next sign-in falls back to the first membership left.
        Assert.IsType<TeamChangeOutcome.Done>(await app.Services.GetRequiredService<DashboardTeam>().RemoveAsync(beta.Id, userId, CancellationToken.None));
        using (var third = await SignInAsync(await DashboardTestData.LinkPathAsync(app, alpha.Id, email)))
        {
            var page = await third.GetAsync("/dashboard/customers");
            Assert.Contains("The customers of Alpha Last Co", page.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("Beta Last Co", page.Text, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await third.GetAsync("/dashboard/team")).Status);
        }
        Assert.Equal(alpha.Id, await LastBusinessAsync(userId));
    }

    private async Task<PortalClient> SignInAsync(string linkPath)
    {
        var client = new PortalClient(app.BaseAddress, PortalClient.UniqueLoopback());
        var redeemed = await DashboardTestData.RedeemAsync(client, linkPath);
        Assert.Equal("/dashboard", redeemed.Location);
        return client;
    }

    private static async Task<string?> LastBusinessAsync(string userId)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
        return await connection.ExecuteScalarAsync<string?>("SELECT last_business_id FROM dashboard_users WHERE id = @userId", new { userId });
    }
}
