using System.Text.Json;
using Clientele.Features.Portal.PaymentMethods;
using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Subscriptions;
using Clientele.Features.Subscriptions;
using Clientele.Features.Subscriptions.Operations;
using Clientele.Platform.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// The preview of a plan change and its confirmation. Both are the API's own <see cref="ChangePlan"/>
/// acting as this customer (preview, then change), so the amount shown is the amount charged; the
/// operation applies the business's portal proration mode and never leaves a declined change on hold.
/// </summary>
public sealed class PlanChangeModel(PortalSubscriptions subscriptions, PortalPaymentMethods methods, ChangePlan changePlan) : PortalPageModel
{
    public override string Section => PortalNavigation.Subscriptions;

    public PortalSubscriptionDetail Detail { get; private set; } = null!;

    public ChangePlanPreviewResponse? Preview { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? Product { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Quantity { get; set; } = 1;

    /// <summary>Resource keys: why the change was refused, and why the card was declined.</summary>
    public string? Error { get; private set; }

    public string? DeclineKey { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        return await PreviewAsync(id) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        if (Input() is not { } input)
        {
            return Unparsed();
        }
        var outcome = await changePlan.RunAsync(Portal.Tenant, id, input, previewOnly: false, Actor, HttpContext.RequestAborted);
        if (outcome.Failure is SubscriptionFailure.PaymentDeclined declined)
        {
            // The plan is as it was and the subscription still active: say why, and offer another card.
            var payment = await methods.PaymentAsync(Portal, id, declined.PaymentId, HttpContext.RequestAborted);
            DeclineKey = PortalPaymentMethods.DeclineKey(payment?.ErrorCode);
            Error = "PcDeclinedUnchanged";
            Response.StatusCode = StatusCodes.Status402PaymentRequired;
            return await PreviewAsync(id, keepStatus: true) ?? Page();
        }
        if (outcome.Failure is { } failure)
        {
            return Refused(failure);
        }
        return RedirectToPage("/Portal/Session/Subscription", new { id, done = "plan-changed" });
    }

    private SubscriptionActor Actor => new SubscriptionActor.Customer(Portal.CustomerId);

    /// <summary>
    /// The choice through the API's own parser (product id and quantity bounds are its rules). The
    /// proration mode, timing and failure rule are the operation's for a customer: the mode sent is a
    /// placeholder it replaces.
    /// </summary>
    private ChangePlanInput? Input() => SubscriptionInput.ParseChangePlan(JsonBody.Of(JsonSerializer.SerializeToElement(new Dictionary<string, object?>
    {
        ["product_id"] = Product,
        ["quantity"] = Quantity,
        ["proration_billing_mode"] = ProrationModes.ProratedImmediately,
    })));

    private async Task<IActionResult?> PreviewAsync(string id, bool keepStatus = false)
    {
        if (Input() is not { } input)
        {
            return Unparsed();
        }
        var outcome = await changePlan.RunAsync(Portal.Tenant, id, input, previewOnly: true, Actor, HttpContext.RequestAborted);
        if (outcome.Failure is { } failure)
        {
            return keepStatus ? null : Refused(failure);
        }
        Preview = outcome.Value.Preview;
        return null;
    }

    private PageResult Unparsed()
    {
        Error = "PcFailPlan";
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private IActionResult Refused(SubscriptionFailure failure)
    {
        if (failure is SubscriptionFailure.NotFound)
        {
            return NotFound();
        }
        Error = failure switch
        {
            SubscriptionFailure.Invalid { Error.Problem: var problem } when problem.StartsWith("is already", StringComparison.Ordinal) => "PcFailSamePlan",
            SubscriptionFailure.Invalid => "PcFailPlan",
            SubscriptionFailure.ScheduledChangeExists => "PcFailScheduled",
            _ => SubscriptionText.FailureKey(failure),
        };
        Response.StatusCode = failure switch
        {
            SubscriptionFailure.NotAllowed => StatusCodes.Status403Forbidden,
            SubscriptionFailure.Invalid => StatusCodes.Status422UnprocessableEntity,
            _ => StatusCodes.Status409Conflict,
        };
        return Page();
    }

    private async Task<bool> LoadAsync(string id)
    {
        if (await subscriptions.FindAsync(Portal, id, HttpContext.RequestAborted) is not { } detail)
        {
            return false;
        }
        Detail = detail;
        return true;
    }
}
