using Clientele.Features.Dashboard.CustomerDetail;
using Clientele.Features.Portal.Activity;
using Clientele.Features.Portal.Shell;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Session;

/// <summary>What happened on the customer's account, newest first, with who did it; older pages by cursor.</summary>
public sealed class ActivityModel : PortalPageModel
{
    public override string Section => PortalNavigation.Activity;

    public PortalActivityPage History { get; private set; } = new([], null);

    public bool Paged { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? before)
    {
        var cursor = ActivityCursor.Parse(before);
        Paged = cursor is not null;
        History = await PortalActivity.ReadAsync(await ConnectionAsync(), Portal, cursor, HttpContext.RequestAborted);
        return Page();
    }
}
