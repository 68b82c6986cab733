using Clientele.Features.Portal.Billing;
using Clientele.Features.Portal.Shell;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Session;

/// <summary>The PDF credit note of one of the session customer's refunds (same rule as <see cref="InvoiceModel"/>).</summary>
public sealed class CreditNoteModel(PortalBilling billing, IConfiguration configuration) : PortalPageModel
{
    public override string Section => PortalNavigation.Billing;

    public async Task<IActionResult> OnGetAsync(string refundId) =>
        await billing.CreditNoteAsync(Portal, refundId, HttpContext.RequestAborted) is { } creditNote
            ? this.Pdf(configuration, creditNote)
            : NotFound();
}
