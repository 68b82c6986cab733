using System.Text.Json;
using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Subscriptions;
using Clientele.Features.Subscriptions;
using Clientele.Features.Subscriptions.Operations;
using Clientele.Platform.Api;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// The confirmation step of a cancellation: what will happen (access until the end of the period,
/// no further charges), why (the reference's feedback list) and an optional comment. Confirming
/// sets the subscription to end at its next billing date (it can be kept until then), or ends it at
/// once when the business's subscription settings say so (<c>portal_cancel_at: immediately</c>).
/// </summary>
public sealed class CancelSubscriptionModel(PortalSubscriptions subscriptions, UpdateSubscription update) : PortalPageModel
{
    public override string Section => PortalNavigation.Subscriptions;

    public PortalSubscriptionDetail Detail { get; private set; } = null!;

    [BindProperty]
    public string? Feedback { get; set; }

    [BindProperty]
    public string? Comment { get; set; }

    public string? Error { get; private set; }

    public static IReadOnlyList<string> FeedbackChoices => SubscriptionInput.CancellationFeedbacks;

    /// <summary>The business ends a customer's subscription at once rather than at the end of the period.</summary>
    public bool Immediately => Detail.Settings.PortalCancelAt == Features.Catalog.SubscriptionSettings.CancelImmediately;

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (await subscriptions.FindAsync(Portal, id, HttpContext.RequestAborted) is not { } detail)
        {
            return NotFound();
        }
        Detail = detail;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        if (await subscriptions.FindAsync(Portal, id, HttpContext.RequestAborted) is not { } detail)
        {
            return NotFound();
        }
        Detail = detail;
        var immediately = Immediately;
        var body = new Dictionary<string, object?>
        {
            [immediately ? "status" : "cancel_at_next_billing_date"] = immediately ? "cancelled" : true,
            ["cancel_reason"] = "cancelled_by_customer",
            ["cancellation_feedback"] = string.IsNullOrEmpty(Feedback) ? null : Feedback,
            ["cancellation_comment"] = string.IsNullOrWhiteSpace(Comment) ? null : Comment.Trim(),
        };
        var parsed = JsonBody.Of(JsonSerializer.SerializeToElement(body));
        if (SubscriptionInput.ParsePatch(parsed) is not { } input)
        {
            Error = parsed.Errors.Any(e => e.Field == "cancellation_comment") ? "SubFailCommentTooLong" : "SubFailFeedback";
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
            Error = SubscriptionText.FailureKey(failure);
            Response.StatusCode = failure is SubscriptionFailure.NotAllowed ? StatusCodes.Status403Forbidden : StatusCodes.Status409Conflict;
            return Page();
        }
        return RedirectToPage("/Portal/Session/Subscription", new { id, done = immediately ? "cancelled" : "cancel-scheduled" });
    }
}
