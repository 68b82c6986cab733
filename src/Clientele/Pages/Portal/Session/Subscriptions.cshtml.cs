using Clientele.Features.Portal.Shell;

namespace Clientele.Pages.Portal.Session;

/// <summary>Subscriptions; an empty state until the subscriptions feature lands.</summary>
public sealed class SubscriptionsModel : PortalPageModel
{
    public override string Section => PortalNavigation.Subscriptions;
}
