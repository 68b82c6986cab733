using System.Globalization;
using Clientele.Features.Businesses;
using Clientele.Features.Checkout;
using Clientele.Features.Invoices;
using Clientele.Features.LicenseKeys;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Clientele.Pages.Checkout;

/// <summary>Where a paid checkout without a return_url lands: the amount, the reference, the invoice link and any license keys bought.</summary>
public sealed class ReceiptModel(CheckoutStore sessions, BusinessStore businesses, InvoiceStore invoices, PurchasedKeys keys, IStringLocalizer<CheckoutText> text) : PageModel
{
    public IReadOnlyList<PurchasedKey> Keys { get; private set; } = [];

    public string KeyTerms(PurchasedKey key) => ReceiptKeyText.Terms(text, key, CultureInfo.CurrentCulture);

    public CheckoutSession Session { get; private set; } = null!;

    public string BusinessName { get; private set; } = "";

    public string? InvoiceUrl { get; private set; }

    public string Amount => Currency.Find(Session.Currency).Format(Session.TotalAmount, CultureInfo.CurrentCulture);

    public async Task<IActionResult> OnGetAsync(string sessionId, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = Clientele.Platform.Hosting.PageSecurity.NoCacheNoStore;
        Response.Headers["Referrer-Policy"] = "no-referrer";
        if (await sessions.FindAsync(sessionId, cancellationToken) is not { Status: "completed", PaymentId: { } paymentId } session
            || await businesses.FindAsync(session.BusinessId, cancellationToken) is not { } business)
        {
            return NotFound();
        }
        Session = session;
        BusinessName = business.Name;
        InvoiceUrl = (await invoices.FindByPaymentAsync(session.Tenant, paymentId, cancellationToken))?.PublicPath;
        Keys = await keys.ForPaymentAsync(session.Tenant, paymentId, cancellationToken);
        ViewData["Brand"] = Brand.Of(business, session.Mode == "test");
        ViewData["Title"] = text["ReceiptTitle"].Value;
        return Page();
    }
}
