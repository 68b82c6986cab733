using System.CommandLine;
using System.Globalization;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Team;

namespace Clientele.Platform.Cli;

/// <summary><c>users invite|list|remove</c>: a business's dashboard team, from the command line (same operations as the team page).</summary>
internal static class UsersCli
{
    public static Command Build(Action<IHostApplicationBuilder> configure, Option<bool> json)
    {
        var business = new Option<string>("--business") { Description = "The business id (bus_…).", Required = true };
        var email = new Option<string>("--email") { Description = "The person's e-mail address.", Required = true };
        var role = new Option<string>("--role") { Description = "owner, admin, support or viewer.", Required = true };
        role.AcceptOnlyFromAmong("owner", "admin", "support", "viewer");

        var invite = new Command("invite", "Add a person to a business's dashboard with a role; prints a single-use sign-in link and e-mails it.") { Options = { business, email, role } };
        invite.SetAction((parse, ct) => AdminCli.WithServices(configure, async services =>
        {
            var asJson = parse.GetValue(json);
            var outcome = await services.GetRequiredService<DashboardTeam>().InviteAsync(
                parse.GetValue(business)!, parse.GetValue(email)!, DashboardPermissions.Parse(parse.GetValue(role)!), CultureInfo.GetCultureInfo("en"), sendEmail: true, ct);
            switch (outcome)
            {
                case InviteOutcome.Invited invited:
                    AdminCli.Print(asJson, new { user_id = invited.UserId, email = invited.Email, role = invited.Role.ToDb(), business_id = parse.GetValue(business), sign_in_link = invited.Link, link_expires_at = invited.LinkExpiresAt },
                        $"Invited {invited.Email} as {invited.Role.ToDb()} (an e-mail is on its way). Single-use sign-in link, valid until {invited.LinkExpiresAt:u}:\n{invited.Link}");
                    return 0;
                case InviteOutcome.InvalidEmail:
                    return AdminCli.Fail(asJson, "INVALID_EMAIL", $"email: {parse.GetValue(email)} is not a valid e-mail address.");
                case InviteOutcome.AlreadyMember:
                    return AdminCli.Fail(asJson, "ALREADY_MEMBER", $"{parse.GetValue(email)} is already a member of {parse.GetValue(business)}.");
                default:
                    return AdminCli.Fail(asJson, "BUSINESS_NOT_FOUND", $"No business {parse.GetValue(business)}.");
            }
        }));

        var list = new Command("list", "List a business's dashboard members and their roles.") { Options = { business } };
        list.SetAction((parse, ct) => AdminCli.WithServices(configure, async services =>
        {
            var members = await services.GetRequiredService<DashboardTeam>().ListAsync(parse.GetValue(business)!, ct);
            AdminCli.Print(parse.GetValue(json),
                new { items = members.Select(m => new { user_id = m.UserId, email = m.Email, role = m.Role.ToDb(), two_factor = m.TwoFactorEnabled, created_at = m.CreatedAt }) },
                members.Count == 0 ? "No members." : string.Join('\n', members.Select(m => $"{m.Email,-40} {m.Role.ToDb(),-8} {(m.TwoFactorEnabled ? "2FA" : "")}")));
            return 0;
        }));

        var remove = new Command("remove", "Remove a person from a business's dashboard (never its last owner).") { Options = { business, email } };
        remove.SetAction((parse, ct) => AdminCli.WithServices(configure, async services =>
        {
            var asJson = parse.GetValue(json);
            var team = services.GetRequiredService<DashboardTeam>();
            var businessId = parse.GetValue(business)!;
            var userId = await team.FindMemberAsync(businessId, parse.GetValue(email)!, ct);
            var outcome = userId is null ? new TeamChangeOutcome.MemberNotFound() : await team.RemoveAsync(businessId, userId, ct);
            return outcome switch
            {
                TeamChangeOutcome.Done => Removed(),
                TeamChangeOutcome.LastOwner => AdminCli.Fail(asJson, "LAST_OWNER", $"{parse.GetValue(email)} is the last owner of {businessId}; make someone else owner first."),
                _ => AdminCli.Fail(asJson, "MEMBER_NOT_FOUND", $"{parse.GetValue(email)} is not a member of {businessId}."),
            };

            int Removed()
            {
                AdminCli.Print(asJson, new { removed = true, email = parse.GetValue(email)!.Trim().ToLowerInvariant(), business_id = businessId }, $"Removed {parse.GetValue(email)} from {businessId}.");
                return 0;
            }
        }));

        return new Command("users", "Dashboard users: invite, list, remove.") { Subcommands = { invite, list, remove } };
    }
}
