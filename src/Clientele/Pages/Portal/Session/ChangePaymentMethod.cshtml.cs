using Clientele.Features.Portal.PaymentMethods;
using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Subscriptions;
using Clientele.Features.Subscriptions;
using Clientele.Features.Subscriptions.Operations;
using Clientele.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// Change a subscription's card: one of the saved cards or a new one on the hosted payment page. On
/// hold, the page says what will be charged now, and confirming pays the dues and reactivates (the
/// API's own operation, acting as this customer). A declined card comes back here with the reason.
/// </summary>
public sealed class ChangePaymentMethodModel(PortalSubscriptions subscriptions, PortalPaymentMethods methods, UpdatePaymentMethod update,
    IOptions<PublicUrlOptions> urls) : PortalPageModel
{
    public const string NewCard = "new";

    public override string Section => PortalNavigation.Subscriptions;

    public PortalSubscriptionDetail Detail { get; private set; } = null!;

    public IReadOnlyList<PortalCard> Cards { get; private set; } = [];

    /// <summary>A saved card's id or <see cref="NewCard"/>.</summary>
    [BindProperty]
    public string? Choice { get; set; }

    /// <summary>Resource keys: why the request was refused, and why the card was declined (after a failed payment).</summary>
    public string? Error { get; private set; }

    public string? DeclineKey { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, [FromQuery(Name = "payment_id")] string? paymentId)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        Choice = Detail.Item.Subscription.PaymentMethodId ?? NewCard;
        if (paymentId is not null && await methods.PaymentAsync(Portal, id, paymentId, HttpContext.RequestAborted) is { Failed: true } failed)
        {
            DeclineKey = PortalPaymentMethods.DeclineKey(failed.ErrorCode);
            Error = Detail.Item.Subscription.Status == SubscriptionStatus.OnHold ? "PmStillOnHold" : "PmTryAnother";
            Choice = NewCard;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var input = Choice == NewCard
            ? new UpdatePaymentMethodInput("new", null, ResultUrl(id))
            : Cards.Any(c => c.Card.Id == Choice) ? new UpdatePaymentMethodInput("existing", Choice, null) : null;
        if (input is null)
        {
            Error = "PmChooseCard";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var outcome = await update.RunAsync(Portal.Tenant, id, input, new SubscriptionActor.Customer(Portal.CustomerId), HttpContext.RequestAborted);
        if (outcome.Failure is { } failure)
        {
            if (failure is SubscriptionFailure.NotFound)
            {
                return NotFound();
            }
            Error = failure is SubscriptionFailure.Invalid ? "PmChooseCard" : SubscriptionText.FailureKey(failure);
            Response.StatusCode = failure is SubscriptionFailure.Invalid ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status409Conflict;
            return Page();
        }
        var answer = outcome.Value;
        if (answer.PaymentLink is { } link)
        {
            // The hosted page saves the new card (and takes the dues), then comes back to ResultUrl.
            return Redirect(link);
        }
        return RedirectToPage("/Portal/Session/PaymentMethodResult", new { id, payment_id = answer.PaymentId });
    }

    /// <summary>The confirmation page as an absolute URL on this mode's public base (the hosted page returns there).</summary>
    private string ResultUrl(string id)
    {
        var path = Url.Page("/Portal/Session/PaymentMethodResult", new { id })!;
        return new Uri(new Uri(urls.Value.BaseFor(Portal.Tenant.Mode) + "/"), path).AbsoluteUri;
    }

    private async Task<bool> LoadAsync(string id)
    {
        if (await subscriptions.FindAsync(Portal, id, HttpContext.RequestAborted) is not { } detail)
        {
            return false;
        }
        Detail = detail;
        Cards = await methods.ListAsync(Portal, HttpContext.RequestAborted);
        return true;
    }
}
