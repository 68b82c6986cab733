using System.Text.Json;
using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Subscriptions;
using Clientele.Features.Subscriptions;
using Clientele.Features.Subscriptions.Operations;
using Clientele.Platform.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// One subscription: its plan, dates, card and payments, and what the customer may do with it —
/// keep it after a scheduled cancellation, pause and resume where the business allows, drop a
/// scheduled plan change, subscribe again once it has ended. Every change is the API's own operation, acting as this customer.
/// </summary>
public sealed class SubscriptionModel(PortalSubscriptions subscriptions, UpdateSubscription update, DeleteScheduledChange deleteScheduled, PortalPlans plans, PortalResubscribe resubscribe) : PortalPageModel
{
    public override string Section => PortalNavigation.Subscriptions;

    public PortalSubscriptionDetail Detail { get; private set; } = null!;

    /// <summary>A resource key: what just happened (after a redirect) or why a request was refused.</summary>
    public string? Notice { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Change plan is offered: the business allows it, the subscription is active with no change scheduled, and its collection has a plan to move to.</summary>
    public bool CanChangePlan { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, string? done)
    {
        Notice = done is "cancel-scheduled" or "kept" or "paused" or "resumed" or "change-dropped" or "plan-changed" ? "SubDone_" + done
            : done == "cancelled" ? "SetPortalCancelledNow" : null;
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var s = Detail.Item.Subscription;
        CanChangePlan = Detail.Settings.AllowPlanChanges && s.Status == SubscriptionStatus.Active && !s.OnDemand && s.ScheduledProductId is null
            && (await plans.ListAsync(Portal, s, HttpContext.RequestAborted)).Sum(g => g.Plans.Count(p => p.ProductId != s.ProductId)) > 0;
        return Page();
    }

    public Task<IActionResult> OnPostKeepAsync(string id) =>
        PatchAsync(id, new Dictionary<string, object?> { ["cancel_at_next_billing_date"] = false }, "kept");

    public Task<IActionResult> OnPostPauseAsync(string id) => PatchAsync(id, new Dictionary<string, object?> { ["pause"] = true }, "paused");

    public Task<IActionResult> OnPostResumeAsync(string id) => PatchAsync(id, new Dictionary<string, object?> { ["pause"] = false }, "resumed");

    public async Task<IActionResult> OnPostDropChangeAsync(string id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var outcome = await deleteScheduled.RunAsync(Portal.Tenant, id, HttpContext.RequestAborted);
        return outcome.Failure is { } failure ? Refused(failure) : RedirectToPage(new { id, done = "change-dropped" });
    }

    /// <summary>An ended subscription's product again, paid on the hosted page; the form's key makes a double submit one subscription.</summary>
    public async Task<IActionResult> OnPostResubscribeAsync(string id, string? key)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        if (string.IsNullOrEmpty(key) || key.Length > 200)
        {
            return BadRequest();
        }
        switch (await resubscribe.RunAsync(Portal, Detail.Item.Subscription, key, HttpContext.RequestAborted))
        {
            case ResubscribeOutcome.Pay pay:
                return Redirect(pay.PaymentLink);
            case ResubscribeOutcome.InProgress:
                Error = "SubResubscribeInProgress";
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            case ResubscribeOutcome.Refused { Failure: SubscriptionFailure.Invalid }:
                Error = "SubResubscribeUnavailable";
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            case ResubscribeOutcome.Refused refused:
                return Refused(refused.Failure);
            default:
                Error = "SubResubscribeNotEnded";
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
        }
    }

    /// <summary>Sends the change through the API's own parser and operation, so every rule is the API's.</summary>
    private async Task<IActionResult> PatchAsync(string id, Dictionary<string, object?> body, string done)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var input = SubscriptionInput.ParsePatch(JsonBody.Of(JsonSerializer.SerializeToElement(body)))!;
        var outcome = await update.RunAsync(Portal.Tenant, id, input, new SubscriptionActor.Customer(Portal.CustomerId), HttpContext.RequestAborted);
        if (outcome.Failure is { } failure)
        {
            return failure is SubscriptionFailure.NotFound ? NotFound() : Refused(failure);
        }
        return RedirectToPage(new { id, done });
    }

    private PageResult Refused(SubscriptionFailure failure)
    {
        Error = SubscriptionText.FailureKey(failure);
        Response.StatusCode = failure is SubscriptionFailure.NotAllowed ? StatusCodes.Status403Forbidden : StatusCodes.Status409Conflict;
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
