using System.Net;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Team;
using Clientele.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Tests.Dashboard;

/// <summary>The team page (owners): invite, change a role, remove, and never without an owner.</summary>
public sealed class DashboardTeamTests(AppFixture app)
{
    [Fact]
    public async Task An_owner_invites_someone_who_gets_a_sign_in_link_then_changes_their_role_and_removes_them()
    {
        var business = await app.CreateBusinessAsync("Team Page Co");
        var (owner, _, _) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _owner = owner;
        var invited = DashboardTestData.UniqueEmail("newbie");

        await owner.GetAsync("/dashboard/team");
        var invite = await owner.PostFormAsync("/dashboard/team?handler=Invite", new Dictionary<string, string> { ["InviteEmail"] = invited, ["InviteRole"] = "support" });
        Assert.Equal(HttpStatusCode.Redirect, invite.Status);
        var page = await owner.GetAsync(invite.Location!);
        Assert.Contains("Invitation sent.", page.Text, StringComparison.Ordinal);
        Assert.Contains(invited, page.Text, StringComparison.Ordinal);

        // Twice is harmless: the second is told the person is already a member.
        var again = await owner.PostFormAsync("/dashboard/team?handler=Invite", new Dictionary<string, string> { ["InviteEmail"] = invited.ToUpperInvariant(), ["InviteRole"] = "support" });
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Contains("already a member", again.Text, StringComparison.Ordinal);

        var mail = await Mailbox.WaitForAsync(app, invited);
        Assert.Contains("Team Page Co", mail.Subject, StringComparison.Ordinal);
        using var newcomer = new PortalClient(app.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await DashboardTestData.RedeemAsync(newcomer, Mailbox.PathOf(Mailbox.LinkIn(mail)))).Status);
        Assert.Contains("Team Page Co", (await newcomer.GetFollowingAsync("/dashboard")).Text, StringComparison.Ordinal);

        var team = app.Services.GetRequiredService<DashboardTeam>();
        var member = (await team.ListAsync(business.Id, CancellationToken.None)).Single(m => m.Email == invited);
        Assert.Equal(DashboardRole.Support, member.Role);

        await owner.GetAsync("/dashboard/team");
        var changed = await owner.PostFormAsync("/dashboard/team?handler=Role", new Dictionary<string, string> { ["userId"] = member.UserId, ["role"] = "admin" });
        Assert.Contains("Role changed.", (await owner.GetAsync(changed.Location!)).Text, StringComparison.Ordinal);
        Assert.Equal(DashboardRole.Admin, (await team.ListAsync(business.Id, CancellationToken.None)).Single(m => m.Email == invited).Role);

        var removed = await owner.PostFormAsync("/dashboard/team?handler=Remove", new Dictionary<string, string> { ["userId"] = member.UserId });
        Assert.Contains("Member removed.", (await owner.GetAsync(removed.Location!)).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(await team.ListAsync(business.Id, CancellationToken.None), m => m.Email == invited);
        // Removal takes effect at once: their open session no longer reaches the business.
        Assert.Equal(HttpStatusCode.Redirect, (await newcomer.GetAsync("/dashboard/customers")).Status);
    }

    [Fact]
    public async Task The_last_owner_can_be_neither_removed_nor_demoted()
    {
        var business = await app.CreateBusinessAsync("Last Owner Co");
        var (owner, _, ownerId) = await DashboardTestData.SignedInAsync(app, business.Id, DashboardRole.Owner);
        using var _owner = owner;

        await owner.GetAsync("/dashboard/team");
        var remove = await owner.PostFormAsync("/dashboard/team?handler=Remove", new Dictionary<string, string> { ["userId"] = ownerId });
        Assert.Equal(HttpStatusCode.Conflict, remove.Status);
        Assert.Contains("at least one owner", remove.Text, StringComparison.Ordinal);
        var demote = await owner.PostFormAsync("/dashboard/team?handler=Role", new Dictionary<string, string> { ["userId"] = ownerId, ["role"] = "viewer" });
        Assert.Equal(HttpStatusCode.Conflict, demote.Status);

        // With a second owner, the first may step down.
        var (_, secondId, _) = await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Owner);
        var team = app.Services.GetRequiredService<DashboardTeam>();
        Assert.IsType<TeamChangeOutcome.Done>(await team.ChangeRoleAsync(business.Id, ownerId, DashboardRole.Admin, CancellationToken.None));
        Assert.IsType<TeamChangeOutcome.LastOwner>(await team.RemoveAsync(business.Id, secondId, CancellationToken.None));
        Assert.IsType<TeamChangeOutcome.MemberNotFound>(await team.RemoveAsync(business.Id, "usr_nobody", CancellationToken.None));
    }

    [Fact]
    public async Task Two_owners_removing_each_other_at_once_leave_exactly_one_owner()
    {
        var team = app.Services.GetRequiredService<DashboardTeam>();
        for (var round = 0; round < 10; round++)
        {
            var business = await app.CreateBusinessAsync("Race Co");
            var (_, a, _) = await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Owner);
            var (_, b, _) = await DashboardTestData.InviteAsync(app, business.Id, DashboardRole.Owner);

            var outcomes = await Task.WhenAll(
                Task.Run(() => team.RemoveAsync(business.Id, a, CancellationToken.None)),
                Task.Run(() => team.ChangeRoleAsync(business.Id, b, DashboardRole.Viewer, CancellationToken.None)));

            Assert.Single(outcomes, o => o is TeamChangeOutcome.Done);
            Assert.Single(outcomes, o => o is TeamChangeOutcome.LastOwner);
            await using var connection = new NpgsqlConnection(TestSettings.ConnectionString());
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM dashboard_memberships WHERE business_id = @id AND role = 'owner'", new { id = business.Id }));
        }
    }
}
