using Clientele.Features.Portal.Shell;

namespace Clientele.Pages.Portal.Session;

/// <summary>The portal's home: who is signed in and the way to every section.</summary>
public sealed class OverviewModel : PortalPageModel
{
    public override string Section => PortalNavigation.Overview;
}
