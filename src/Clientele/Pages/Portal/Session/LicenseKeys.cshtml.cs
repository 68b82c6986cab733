using Clientele.Features.Portal.Shell;

namespace Clientele.Pages.Portal.Session;

/// <summary>License keys; an empty state until the license-keys feature lands.</summary>
public sealed class LicenseKeysModel : PortalPageModel
{
    public override string Section => PortalNavigation.LicenseKeys;
}
