using System.Text.Json;
using Clientele.Features.Catalog;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Shell;
using Clientele.Platform.Api;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard.Settings;

/// <summary>
/// <c>/dashboard/settings/subscriptions</c>: what customers may do with their subscriptions in the portal (this
/// mode). The form is read by <see cref="SubscriptionSettingsChange.Parse"/> and saved by the store, exactly as
/// <c>PATCH /settings/subscriptions</c> does.
/// </summary>
[RequirePermission(DashboardPermission.ManageSettings)]
public sealed class SubscriptionsModel(SubscriptionSettingsStore store) : DashboardPageModel
{
    public override string Section => DashboardNavigation.SubscriptionSettings;

    public SubscriptionSettings Current { get; private set; } = SubscriptionSettings.Defaults;

    [BindProperty]
    public bool AllowPlanChanges { get; set; }

    [BindProperty]
    public bool AllowCustomerCancel { get; set; }

    [BindProperty]
    public string? PortalCancelAt { get; set; }

    [BindProperty]
    public bool AllowCustomerPause { get; set; }

    [BindProperty]
    public string? PortalProrationMode { get; set; }

    [BindProperty]
    public bool AllowMultipleSubscriptions { get; set; }

    /// <summary>The fields (the API's names) the server refused.</summary>
    public IReadOnlyList<string> Invalid { get; private set; } = [];

    public bool Saved { get; private set; }

    public async Task OnGetAsync(string? notice)
    {
        Current = await store.GetAsync(Dashboard.Tenant, HttpContext.RequestAborted);
        Saved = notice == "saved";
    }

    [RequirePermission(DashboardPermission.ManageSettings)]
    public async Task<IActionResult> OnPostAsync()
    {
        var body = JsonBody.Of(JsonSerializer.SerializeToElement(new Dictionary<string, object?>
        {
            ["allow_plan_changes"] = AllowPlanChanges,
            ["allow_customer_cancel"] = AllowCustomerCancel,
            ["portal_cancel_at"] = PortalCancelAt,
            ["allow_customer_pause"] = AllowCustomerPause,
            ["portal_proration_mode"] = PortalProrationMode,
            ["allow_multiple_subscriptions"] = AllowMultipleSubscriptions,
        }));
        if (SubscriptionSettingsChange.Parse(body) is not { } change)
        {
            Invalid = [.. body.Errors.Select(e => e.Field)];
            Current = await store.GetAsync(Dashboard.Tenant, HttpContext.RequestAborted);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        await store.UpdateAsync(Dashboard.Tenant, change, HttpContext.RequestAborted);
        HttpContext.Items["audit:object"] = $"subscription_settings:{Dashboard.BusinessId}:{Dashboard.Tenant.ModeText}";
        return RedirectToPage(new { notice = "saved" });
    }
}
