using Clientele.Features.Invoices;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Features.Portal.Billing;

/// <summary>How a portal page answers with a document: a download, never cached, no referrer leaked.</summary>
public static class BillingPdf
{
    public static IActionResult Pdf(this PageModel page, IConfiguration configuration, InvoiceDocument document)
    {
        // The portal's page base already says no-store; the document numbers are [A-Z0-9-] only.
        page.Response.Headers.CacheControl = "no-store";
        page.Response.Headers["Referrer-Policy"] = "no-referrer";
        page.Response.Headers.ContentDisposition = $"attachment; filename=\"{document.Number}.pdf\"";
        return page.File(PortalBilling.Render(configuration, document), "application/pdf");
    }
}
