using System.Globalization;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Settings;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.Webhooks;
using Clientele.Platform.Api;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard.Settings;

/// <summary>
/// <c>/dashboard/settings/webhooks/{id}</c>: one endpoint of this mode — disable or enable it, rotate its signing
/// secret (after a confirmation; the new one shown once), and its delivery log, newest first, a page at a time,
/// each delivery with its attempts and a <b>Resend</b>. Another business's (or mode's) endpoint is 404.
/// </summary>
[RequirePermission(DashboardPermission.ManageWebhooks)]
public sealed class WebhookModel(WebhookEndpointStore store, SaveWebhookEndpoint save, WebhookDeliveryLog log) : DashboardPageModel
{
    private static readonly string[] Notices = ["created", "disabled", "enabled", "resent", "stale"];

    public override string Section => DashboardNavigation.Webhooks;

    public WebhookEndpointRow Endpoint { get; private set; } = null!;

    public DeliveryLogPage Log { get; private set; } = new([], null);

    public bool FirstPage { get; private set; } = true;

    public string? Notice { get; private set; }

    public bool ConfirmRotate { get; private set; }

    /// <summary>The secret just made by a rotation: on this one answer only.</summary>
    public string? NewSecret { get; private set; }

    /// <summary>The endpoint's version when the page was read, so a rotation sent twice rotates once.</summary>
    public string Version => Endpoint.UpdatedAt.Ticks.ToString(CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync(string id, long? before, string? notice, string? confirm)
    {
        if (!await LoadAsync(id, before))
        {
            return NotFound();
        }
        Notice = Notices.Contains(notice) ? "SetHookNotice_" + notice : null;
        ConfirmRotate = confirm == "rotate";
        return Page();
    }

    [RequirePermission(DashboardPermission.ManageWebhooks)]
    public async Task<IActionResult> OnPostToggleAsync(string id, bool disable)
    {
        var changed = await save.UpdateAsync(Dashboard.Tenant, id, new WebhookSettings(null, null, disable, null, null, Optional<int?>.Unset, null, null), HttpContext.RequestAborted);
        if (!changed.Succeeded)
        {
            return NotFound();
        }
        HttpContext.Items["audit:object"] = id;
        return RedirectToPage(new { id, notice = disable ? "disabled" : "enabled" });
    }

    [RequirePermission(DashboardPermission.ManageWebhooks)]
    public async Task<IActionResult> OnPostRotateAsync(string id, long? version)
    {
        var since = version is { } ticks and > 0 ? new DateTime(ticks, DateTimeKind.Utc) : (DateTime?)null;
        var secret = await store.RotateSecretAsync(Dashboard.Tenant, id, since, HttpContext.RequestAborted);
        if (secret is null)
        {
            // Nothing rotated: no such endpoint, or it changed since the page was read (the same form sent again).
            return await store.FindAsync(Dashboard.Tenant, id, HttpContext.RequestAborted) is null
                ? NotFound()
                : RedirectToPage(new { id, notice = "stale" });
        }
        HttpContext.Items["audit:object"] = id;
        if (!await LoadAsync(id, null))
        {
            return NotFound();
        }
        NewSecret = secret;
        return Page();
    }

    [RequirePermission(DashboardPermission.ManageWebhooks)]
    public async Task<IActionResult> OnPostResendAsync(string id, string? deliveryId, string? resendKey)
    {
        if (deliveryId is null || string.IsNullOrWhiteSpace(resendKey) || resendKey.Length > 100)
        {
            return NotFound();
        }
        if (await log.ResendAsync(Dashboard.Tenant, id, deliveryId, resendKey, HttpContext.RequestAborted) is not ResendOutcome.Queued queued)
        {
            return NotFound();
        }
        HttpContext.Items["audit:object"] = queued.DeliveryId;
        return RedirectToPage(new { id, notice = "resent" });
    }

    public string NewResendKey() => Guid.NewGuid().ToString("N");

    private async Task<bool> LoadAsync(string id, long? before)
    {
        if (await store.FindAsync(Dashboard.Tenant, id, HttpContext.RequestAborted) is not { } endpoint)
        {
            return false;
        }
        Endpoint = endpoint;
        Log = await log.PageAsync(Dashboard.Tenant, id, before, HttpContext.RequestAborted);
        FirstPage = before is null;
        return true;
    }
}
