using Clientele.Features.Portal.PaymentMethods;
using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Subscriptions;
using Clientele.Features.Subscriptions;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// Where a card change ends, with a saved card or back from the hosted page: the amount paid (the
/// dues of an on-hold subscription), its invoice, and the subscription active again with its next
/// billing date. A declined payment goes back to the choice with the reason; one not finished says so.
/// </summary>
public sealed class PaymentMethodResultModel(PortalSubscriptions subscriptions, PortalPaymentMethods methods) : PortalPageModel
{
    public override string Section => PortalNavigation.Subscriptions;

    public PortalSubscriptionDetail Detail { get; private set; } = null!;

    public PortalCardPayment? Payment { get; private set; }

    /// <summary>The dues were paid and the subscription is active again.</summary>
    public bool Reactivated => Payment is { Succeeded: true, TotalAmount: > 0 } && Detail.Item.Subscription.Status == SubscriptionStatus.Active;

    /// <summary>The hosted page was left before paying (or the payment is still processing).</summary>
    public bool Waiting => Payment is { Succeeded: false };

    public async Task<IActionResult> OnGetAsync(string id, [FromQuery(Name = "payment_id")] string? paymentId)
    {
        if (await subscriptions.FindAsync(Portal, id, HttpContext.RequestAborted) is not { } detail)
        {
            return NotFound();
        }
        Detail = detail;
        if (paymentId is not null)
        {
            if (await methods.PaymentAsync(Portal, id, paymentId, HttpContext.RequestAborted) is not { } payment)
            {
                return NotFound();
            }
            if (payment.Failed)
            {
                return RedirectToPage("/Portal/Session/ChangePaymentMethod", new { id, payment_id = payment.Id });
            }
            Payment = payment;
        }
        return Page();
    }
}
