using Clientele.Features.Portal.PaymentMethods;
using Clientele.Features.Portal.Shell;

namespace Clientele.Pages.Portal.Session;

/// <summary>The customer's saved cards: brand, last four, expiry and the subscriptions that charge each; Remove for an unused one.</summary>
public sealed class PaymentMethodsModel(PortalPaymentMethods methods) : PortalPageModel
{
    public override string Section => PortalNavigation.PaymentMethods;

    public IReadOnlyList<PortalCard> Cards { get; private set; } = [];

    /// <summary>A resource key: what just happened (after a redirect).</summary>
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? done)
    {
        Notice = done == "removed" ? "PmDoneRemoved" : null;
        Cards = await methods.ListAsync(Portal, HttpContext.RequestAborted);
    }
}
