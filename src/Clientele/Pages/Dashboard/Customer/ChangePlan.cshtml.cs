using System.Text.Json;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.CustomerDetail;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.Portal.Subscriptions;
using Clientele.Features.Subscriptions;
using Clientele.Features.Subscriptions.Operations;
using Clientele.Platform.Api;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard.Customer;

/// <summary>
/// <c>/dashboard/customers/{id}/subscriptions/{subscriptionId}/change-plan</c>: choose a plan of the
/// product's collection (the portal's <see cref="PortalPlans"/>), a quantity and a proration mode; the
/// preview and the change are the API's <see cref="ChangePlan"/> as the merchant, so the amount previewed
/// is the amount charged. A repeat of the same change is refused by the operation (already the plan).
/// </summary>
[RequirePermission(DashboardPermission.EditData)]
public sealed class ChangePlanModel(CustomerSubscriptions subscriptions, PortalPlans plans, ChangePlan changePlan) : CustomerPageModel
{
    public override CustomerTab Tab => CustomerTab.Subscriptions;

    public Subscription Subscription { get; private set; } = null!;

    public IReadOnlyList<PortalPlanGroup> Groups { get; private set; } = [];

    public ChangePlanPreviewResponse? Preview { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? Product { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Quantity { get; set; } = 1;

    [BindProperty(SupportsGet = true)]
    public string Proration { get; set; } = ProrationModes.ProratedImmediately;

    /// <summary>A resource key or the operation's words.</summary>
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(subscriptionId, cancellationToken))
        {
            return NotFound();
        }
        Quantity = Product is null ? Subscription.Quantity : Quantity;
        if (Product is not null)
        {
            await PreviewAsync(cancellationToken);
        }
        return Page();
    }

    [RequirePermission(DashboardPermission.EditData)]
    public async Task<IActionResult> OnPostAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(subscriptionId, cancellationToken))
        {
            return NotFound();
        }
        if (Input() is not { } input)
        {
            return Page();
        }
        var outcome = await changePlan.RunAsync(Dashboard.Tenant, Subscription.Id, input, previewOnly: false, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return Refused(failure);
        }
        HttpContext.Items["audit:object"] = Subscription.Id;
        return RedirectToPage("/Dashboard/Customer/Subscriptions", new { id = Customer.Id, notice = "DetSubDone_plan_changed", sub = Subscription.Id });
    }

    /// <summary>The choice through the API's own parser (product, quantity bounds, proration modes are its rules).</summary>
    private ChangePlanInput? Input()
    {
        var body = JsonBody.Of(JsonSerializer.SerializeToElement(new Dictionary<string, object?>
        {
            ["product_id"] = Product ?? "",
            ["quantity"] = Quantity,
            ["proration_billing_mode"] = Proration,
        }));
        if (SubscriptionInput.ParseChangePlan(body) is { } input)
        {
            return input;
        }
        Error = $"{body.Errors[0].Field}: {body.Errors[0].Problem}";
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return null;
    }

    private async Task PreviewAsync(CancellationToken cancellationToken)
    {
        if (Input() is not { } input)
        {
            return;
        }
        var outcome = await changePlan.RunAsync(Dashboard.Tenant, Subscription.Id, input, previewOnly: true, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            Refused(failure);
            return;
        }
        Preview = outcome.Value.Preview;
    }

    private IActionResult Refused(SubscriptionFailure failure)
    {
        if (failure is SubscriptionFailure.NotFound)
        {
            return NotFound();
        }
        Error = failure is SubscriptionFailure.Invalid invalid ? $"{invalid.Error.Field}: {invalid.Error.Problem}" : SubscriptionFailureText.Key(failure);
        Response.StatusCode = SubscriptionFailureText.Status(failure);
        Preview = null;
        return Page();
    }

    private async Task<bool> LoadAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        if (await subscriptions.FindAsync(Dashboard.Tenant, Customer.Id, subscriptionId, cancellationToken) is not { } subscription)
        {
            return false;
        }
        Subscription = subscription;
        Groups = await plans.ListAsync(Dashboard.Tenant, subscription, cancellationToken);
        return true;
    }
}
