using Clientele.Features.Portal.Shell;
using Clientele.Features.Portal.Subscriptions;
using Clientele.Features.Subscriptions;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// The plans a subscription can move to (its product collection's, current one marked), with a
/// quantity where the business lets a customer have more than one. Choosing is a GET to the preview:
/// nothing changes until the preview's confirmation.
/// </summary>
public sealed class PlansModel(PortalSubscriptions subscriptions, PortalPlans plans) : PortalPageModel
{
    public override string Section => PortalNavigation.Subscriptions;

    public PortalSubscriptionDetail Detail { get; private set; } = null!;

    public IReadOnlyList<PortalPlanGroup> Groups { get; private set; } = [];

    /// <summary>A resource key: why plan changes are not offered for this subscription.</summary>
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (await subscriptions.FindAsync(Portal, id, HttpContext.RequestAborted) is not { } detail)
        {
            return NotFound();
        }
        Detail = detail;
        var s = detail.Item.Subscription;
        Error = !detail.Settings.AllowPlanChanges ? "SubFailPlanChangesNotAllowed"
            : s.Status != SubscriptionStatus.Active ? "SubFailNotActive"
            : s.ScheduledProductId is not null ? "PcFailScheduled"
            : null;
        if (Error is not null)
        {
            Response.StatusCode = detail.Settings.AllowPlanChanges ? StatusCodes.Status409Conflict : StatusCodes.Status403Forbidden;
            return Page();
        }
        Groups = await plans.ListAsync(Portal, s, HttpContext.RequestAborted);
        return Page();
    }
}
