using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Subscriptions;

namespace Clientele.Pages.Portal.Session;

/// <summary>The customer's subscriptions: current ones (active, on hold, paused, pending) first, then past ones.</summary>
public sealed class SubscriptionsModel(PortalSubscriptions subscriptions) : PortalPageModel
{
    public override string Section => PortalNavigation.Subscriptions;

    public IReadOnlyList<PortalSubscription> Items { get; private set; } = [];

    public async Task OnGetAsync() => Items = await subscriptions.ListAsync(Portal, HttpContext.RequestAborted);
}
