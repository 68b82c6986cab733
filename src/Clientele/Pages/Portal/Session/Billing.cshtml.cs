using Clientele.Features.Portal.Billing;
using Clientele.Features.Portal.Shell;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// Billing history: every payment of the customer, newest first, a page at a time, with what was
/// bought, its status, card, invoice and refunds with their credit notes. Read-only.
/// </summary>
public sealed class BillingModel(PortalBilling billing) : PortalPageModel
{
    public override string Section => PortalNavigation.Billing;

    public BillingHistory History { get; private set; } = new([], false);

    public int PageNumber { get; private set; }

    public async Task OnGetAsync([FromQuery(Name = "page_number")] int pageNumber = 0)
    {
        PageNumber = Math.Clamp(pageNumber, 0, 100_000);
        History = await billing.ListAsync(Portal, PageNumber, HttpContext.RequestAborted);
    }
}
