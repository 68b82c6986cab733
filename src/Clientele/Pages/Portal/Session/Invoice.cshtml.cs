using Clientele.Features.Portal.Billing;
using Clientele.Features.Portal.Shell;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// The PDF invoice of one of the session customer's payments — the API's own document, found by
/// the session's tenant and ownership (no token in the URL); anyone else's payment is 404.
/// </summary>
public sealed class InvoiceModel(PortalBilling billing, IConfiguration configuration) : PortalPageModel
{
    public override string Section => PortalNavigation.Billing;

    public async Task<IActionResult> OnGetAsync(string paymentId) =>
        await billing.InvoiceAsync(Portal, paymentId, HttpContext.RequestAborted) is { } invoice
            ? this.Pdf(configuration, invoice)
            : NotFound();
}
