using System.Globalization;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.Dashboard.Team;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard;

/// <summary><c>/dashboard/team</c> (owners): the business's members, invite by e-mail with a role, change a role, remove.</summary>
[RequirePermission(DashboardPermission.ManageTeam)]
public sealed class TeamModel(DashboardTeam team) : DashboardPageModel
{
    private static readonly string[] Notices = ["Invited", "RoleChanged", "Removed"];

    public override string Section => DashboardNavigation.Team;

    public IReadOnlyList<TeamMember> Members { get; private set; } = [];

    [BindProperty]
    public string? InviteEmail { get; set; }

    [BindProperty]
    public string? InviteRole { get; set; }

    /// <summary>The resource key of the message to show after a change (success or refusal).</summary>
    public string? Notice { get; private set; }

    public string? Error { get; private set; }

    public string? EmailError { get; private set; }

    public async Task OnGetAsync(string? notice)
    {
        Notice = Notices.Contains(notice) ? "TeamNotice" + notice : null;
        await LoadAsync();
    }

    [RequirePermission(DashboardPermission.ManageTeam)]
    public async Task<IActionResult> OnPostInviteAsync()
    {
        if (!DashboardPermissions.TryParse(InviteRole, out var role))
        {
            return await RefuseAsync("TeamRoleInvalid", StatusCodes.Status422UnprocessableEntity);
        }
        var outcome = await team.InviteAsync(Dashboard.BusinessId, InviteEmail ?? "", role, CultureInfo.CurrentUICulture, sendEmail: true, HttpContext.RequestAborted);
        return outcome switch
        {
            InviteOutcome.Invited => RedirectToPage(new { notice = "Invited" }),
            InviteOutcome.InvalidEmail => await RefuseAsync(null, StatusCodes.Status422UnprocessableEntity, emailError: string.IsNullOrWhiteSpace(InviteEmail) ? "EmailRequired" : "EmailInvalid"),
            InviteOutcome.AlreadyMember => await RefuseAsync("TeamAlreadyMember", StatusCodes.Status409Conflict),
            _ => NotFound(),
        };
    }

    [RequirePermission(DashboardPermission.ManageTeam)]
    public async Task<IActionResult> OnPostRoleAsync(string? userId, string? role)
    {
        if (!DashboardPermissions.TryParse(role, out var chosen))
        {
            return await RefuseAsync("TeamRoleInvalid", StatusCodes.Status422UnprocessableEntity);
        }
        return Map(await team.ChangeRoleAsync(Dashboard.BusinessId, userId ?? "", chosen, HttpContext.RequestAborted), "RoleChanged") ?? await RefuseAsync("TeamLastOwner", StatusCodes.Status409Conflict);
    }

    [RequirePermission(DashboardPermission.ManageTeam)]
    public async Task<IActionResult> OnPostRemoveAsync(string? userId) =>
        Map(await team.RemoveAsync(Dashboard.BusinessId, userId ?? "", HttpContext.RequestAborted), "Removed") ?? await RefuseAsync("TeamLastOwner", StatusCodes.Status409Conflict);

    /// <summary>Success and "no such member" map here; the last-owner refusal is left to the caller (null).</summary>
    private IActionResult? Map(TeamChangeOutcome outcome, string notice) => outcome switch
    {
        TeamChangeOutcome.Done => RedirectToPage(new { notice }),
        TeamChangeOutcome.MemberNotFound => NotFound(),
        _ => null,
    };

    private async Task<IActionResult> RefuseAsync(string? error, int status, string? emailError = null)
    {
        Error = error;
        EmailError = emailError;
        Response.StatusCode = status;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() => Members = await team.ListAsync(Dashboard.BusinessId, HttpContext.RequestAborted);
}
