using Clientele.Features.Portal.Shell;

namespace Clientele.Pages.Portal.Session;

/// <summary>Saved payment methods; an empty state until the payments feature lands.</summary>
public sealed class PaymentMethodsModel : PortalPageModel
{
    public override string Section => PortalNavigation.PaymentMethods;
}
