using Clientele.Features.Checkout;
using Clientele.Features.Payments;
using Clientele.Features.Portal.PaymentMethods;
using Clientele.Features.Portal.Shell;
using Clientele.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// The customer's saved cards: brand, last four, expiry and the subscriptions that charge each; Remove
/// for an unused one; Add a card on the hosted payment page (no subscription needed), back here after.
/// </summary>
public sealed class PaymentMethodsModel(PortalPaymentMethods methods, StartCardSave startCardSave, PaymentQueries payments, IOptions<PublicUrlOptions> urls) : PortalPageModel
{
    public const string CardSaved = "card_saved";

    public override string Section => PortalNavigation.PaymentMethods;

    public IReadOnlyList<PortalCard> Cards { get; private set; } = [];

    /// <summary>A resource key: what just happened (after a redirect).</summary>
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? done, [FromQuery(Name = "payment_id")] string? paymentId)
    {
        Notice = done == "removed" ? "PmDoneRemoved" : null;
        // Back from the hosted page: only the customer's own succeeded payment says the card was saved.
        if (done == CardSaved && paymentId is not null && await payments.FindAsync(Portal.Tenant, paymentId, HttpContext.RequestAborted) is { Payment: var p }
            && p.CustomerId == Portal.CustomerId && p.Status == "succeeded")
        {
            Notice = "PmDoneCardSaved";
        }
        Cards = await methods.ListAsync(Portal, HttpContext.RequestAborted);
    }

    /// <summary>Opens the hosted page that saves a card (a double submit gets the same page) and sends the browser there.</summary>
    public async Task<IActionResult> OnPostAddCardAsync()
    {
        var returnUrl = new Uri(new Uri(urls.Value.BaseFor(Portal.Tenant.Mode) + "/"), Url.Page("/Portal/Session/PaymentMethods", new { done = CardSaved })!).AbsoluteUri;
        if (await startCardSave.RunAsync(Portal.Tenant, Portal.CustomerId, returnUrl, HttpContext.RequestAborted) is not { } link)
        {
            return NotFound();
        }
        return Redirect(link.Url);
    }
}
