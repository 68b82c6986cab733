using System.Globalization;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.CustomerDetail;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.LicenseKeys;
using Clientele.Platform.Api;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Pages.Dashboard.Customer;

/// <summary>
/// <c>/dashboard/customers/{id}/license-keys</c>: the customer's keys (status, product, activations, expiry);
/// per key disable/enable and the activation limit (the operation behind <c>PATCH /license_keys/{id}</c>),
/// its activations and deactivating one (the operation behind <c>POST /licenses/deactivate</c>).
/// Disabling and deactivating ask first: <c>?confirm=…</c> shows the question and its one POST button.
/// </summary>
public sealed class LicenseKeysModel(NpgsqlDataSource dataSource, LicenseKeyStore store, UpdateLicenseKey update, LicenseActivations activations, TimeProvider clock)
    : CustomerPageModel
{
    public override CustomerTab Tab => CustomerTab.LicenseKeys;

    public IReadOnlyList<CustomerLicenseKey> Keys { get; private set; } = [];

    public bool MoreKeys { get; private set; }

    public DateTime Now { get; private set; }

    /// <summary>The key whose activations are open (<c>?key=</c>), and them.</summary>
    public CustomerLicenseKey? Open { get; private set; }

    public IReadOnlyList<LicenseKeyInstanceResponse> Activations { get; private set; } = [];

    /// <summary>What is being confirmed: "disable" (of <see cref="Open"/>) or an activation's id to deactivate.</summary>
    public string? Confirm { get; private set; }

    public LicenseKeyInstanceResponse? ConfirmActivation { get; private set; }

    [BindProperty]
    public string? Limit { get; set; }

    public string? LimitError { get; private set; }

    public string[] LimitErrorArgs { get; private set; } = [];

    public string? Notice { get; private set; }

    private static readonly string[] Notices = ["disabled", "enabled", "limit", "deactivated"];

    public async Task<IActionResult> OnGetAsync(string? key, string? confirm, string? notice)
    {
        Notice = Notices.Contains(notice) ? "LedKeyNotice_" + notice : null;
        return await LoadAsync(key, confirm) ? Page() : NotFound();
    }

    [RequirePermission(DashboardPermission.EditData)]
    public Task<IActionResult> OnPostDisableAsync(string? key) => PatchAsync(key, new LicenseKeyPatch(default, true, default), "disabled");

    [RequirePermission(DashboardPermission.EditData)]
    public Task<IActionResult> OnPostEnableAsync(string? key) => PatchAsync(key, new LicenseKeyPatch(default, false, default), "enabled");

    [RequirePermission(DashboardPermission.EditData)]
    public async Task<IActionResult> OnPostLimitAsync(string? key)
    {
        // Blank is "no limit" (the API's null); otherwise a whole number, whose range is the API's rule.
        Optional<int?> limit;
        if (string.IsNullOrWhiteSpace(Limit))
        {
            limit = Optional<int?>.Of(null);
        }
        else if (int.TryParse(Limit.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            limit = Optional<int?>.Of(value);
        }
        else
        {
            LimitError = "LedKeyLimitInvalid";
            return await RefuseAsync(key);
        }
        return await PatchAsync(key, new LicenseKeyPatch(limit, null, default), "limit");
    }

    [RequirePermission(DashboardPermission.EditData)]
    public async Task<IActionResult> OnPostDeactivateAsync(string? key, string? activation)
    {
        if (await OwnKeyAsync(key) is not { } own)
        {
            return NotFound();
        }
        return await activations.DeactivateAsync(new DeactivateRequest(own.Key, activation ?? ""), HttpContext.RequestAborted) switch
        {
            DeactivationOutcome.Deactivated => Done(activation!, own.Id, "deactivated"),
            _ => NotFound(),
        };
    }

    private async Task<IActionResult> PatchAsync(string? key, LicenseKeyPatch patch, string notice)
    {
        if (await OwnKeyAsync(key) is not { } own)
        {
            return NotFound();
        }
        switch (await update.RunAsync(Dashboard.Tenant, own.Id, patch, HttpContext.RequestAborted))
        {
            case UpdateKeyOutcome.Updated:
                return Done(own.Id, own.Id, notice);
            case UpdateKeyOutcome.LimitBelowInstances below:
                LimitError = "LedKeyLimitBelowInstances";
                LimitErrorArgs = [below.InstancesCount.ToString(CultureInfo.CurrentCulture)];
                return await RefuseAsync(own.Id);
            default:
                return NotFound();
        }
    }

    private RedirectToPageResult Done(string changed, string keyId, string notice)
    {
        HttpContext.Items["audit:object"] = changed;
        return RedirectToPage(new { id = Customer.Id, key = keyId, notice });
    }

    private async Task<IActionResult> RefuseAsync(string? key)
    {
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return await LoadAsync(key, null) ? Page() : NotFound();
    }

    /// <summary>The key, when it is this customer's (in this business and mode); another's is not found.</summary>
    private async Task<LicenseKeyResponse?> OwnKeyAsync(string? key) =>
        key is { Length: > 0 and <= 64 } && await store.FindAsync(Dashboard.Tenant, key, HttpContext.RequestAborted) is { } found && found.CustomerId == Customer.Id
            ? found
            : null;

    private async Task<bool> LoadAsync(string? key, string? confirm)
    {
        Now = clock.GetUtcNow().UtcDateTime;
        var keys = await CustomerLicenseKeys.ListAsync(dataSource, Dashboard.Tenant, Customer.Id, HttpContext.RequestAborted);
        MoreKeys = keys.Count > CustomerLicenseKeys.MaxListed;
        Keys = [.. keys.Take(CustomerLicenseKeys.MaxListed)];
        if (key is null)
        {
            return true;
        }
        Open = Keys.FirstOrDefault(k => k.Id == key);
        if (Open is null)
        {
            return false;
        }
        Activations = await store.ListInstancesAsync(Dashboard.Tenant, Open.Id, new Paging(0, Paging.MaxSize), HttpContext.RequestAborted);
        if (confirm == "disable" && Can(DashboardPermission.EditData))
        {
            Confirm = confirm;
        }
        else if (confirm is not null && Can(DashboardPermission.EditData) && Activations.FirstOrDefault(a => a.Id == confirm) is { } activation)
        {
            Confirm = confirm;
            ConfirmActivation = activation;
        }
        return true;
    }

    public string Expiry(DateTime? at) => at is { } value ? value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "—";
}
