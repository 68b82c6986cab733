using Clientele.Features.Payments;
using Clientele.Features.Portal.PaymentMethods;
using Clientele.Features.Portal.Shell;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// The confirmation step before a saved card is removed. The removal is the API's own operation for
/// this customer, which refuses while a subscription still charges the card (checked in its statement).
/// </summary>
public sealed class RemoveCardModel(PortalPaymentMethods methods, RemovePaymentMethod remove) : PortalPageModel
{
    public override string Section => PortalNavigation.PaymentMethods;

    public PortalCard Card { get; private set; } = null!;

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        if (Card.InUse)
        {
            Error = "PmRemoveInUse";
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        switch (await remove.RunAsync(Portal.Tenant, Portal.CustomerId, id, HttpContext.RequestAborted))
        {
            case RemovePaymentMethodOutcome.Removed:
                return RedirectToPage("/Portal/Session/PaymentMethods", new { done = "removed" });
            case RemovePaymentMethodOutcome.InUse:
                Error = "PmRemoveInUse";
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            default:
                return NotFound();
        }
    }

    private async Task<bool> LoadAsync(string id)
    {
        if ((await methods.ListAsync(Portal, HttpContext.RequestAborted)).FirstOrDefault(c => c.Card.Id == id) is not { } card)
        {
            return false;
        }
        Card = card;
        return true;
    }
}
