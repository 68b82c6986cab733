using Clientele.Features.Portal.Overview;
using Clientele.Features.Portal.Shell;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// The portal's home: what needs the customer's attention first (an on-hold subscription and its
/// dues, a card about to expire), then their current subscriptions, latest invoices, wallet balances
/// and license keys — one round trip to the database.
/// </summary>
public sealed class OverviewModel(PortalOverview overview) : PortalPageModel
{
    public override string Section => PortalNavigation.Overview;

    public PortalOverviewSummary Summary { get; private set; } = null!;

    public async Task OnGetAsync() => Summary = await overview.ReadAsync(Portal, HttpContext.RequestAborted);
}
