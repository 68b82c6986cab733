using Clientele.Features.Portal.Shell;

namespace Clientele.Pages.Portal.Session;

/// <summary>Billing history (payments and invoices); an empty state until the payments feature lands.</summary>
public sealed class BillingModel : PortalPageModel
{
    public override string Section => PortalNavigation.Billing;
}
