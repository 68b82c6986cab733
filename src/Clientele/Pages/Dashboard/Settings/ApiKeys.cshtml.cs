using Clientele.Features.Businesses;
using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Shell;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard.Settings;

/// <summary>
/// <c>/dashboard/settings/api-keys</c>: the business's API keys (both modes) with when each was last used; create one
/// with a name and a mode (its secret shown on the answer to that POST, once), revoke one after a confirmation.
/// </summary>
[RequirePermission(DashboardPermission.ManageApiKeys)]
public sealed class ApiKeysModel(BusinessStore businesses) : DashboardPageModel
{
    public const int MaxNameLength = 100;

    public override string Section => DashboardNavigation.ApiKeys;

    public IReadOnlyList<ApiKeyListing> Keys { get; private set; } = [];

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? KeyMode { get; set; }

    /// <summary>The form's idempotency key: sending the same form twice makes one key.</summary>
    [BindProperty]
    public string? CreationKey { get; set; }

    public string? NameError { get; private set; }

    public string? Notice { get; private set; }

    /// <summary>The secret of the key just created: on this one answer only.</summary>
    public CreatedApiKey? Created { get; private set; }

    /// <summary>The key whose revocation is being confirmed.</summary>
    public ApiKeyListing? Confirming { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? notice, string? revoke)
    {
        await LoadAsync();
        Notice = notice == "revoked" ? "SetKeysRevoked" : null;
        if (revoke is not null && (Confirming = Keys.FirstOrDefault(k => k.Id == revoke && k.RevokedAt is null)) is null)
        {
            return NotFound();
        }
        return Page();
    }

    [RequirePermission(DashboardPermission.ManageApiKeys)]
    public async Task<IActionResult> OnPostCreateAsync()
    {
        var name = Name?.Trim() ?? "";
        var mode = KeyMode is { } text && ModeText.TryParse(text, out var parsed) ? parsed : Dashboard.Mode;
        if (name.Length is 0 or > MaxNameLength)
        {
            NameError = "SetErrKeyName";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync();
            return Page();
        }
        var creationKey = string.IsNullOrWhiteSpace(CreationKey) ? null : CreationKey.Trim()[..Math.Min(CreationKey.Trim().Length, 100)];
        Created = await businesses.CreateApiKeyOnceAsync(Dashboard.BusinessId, mode, name, creationKey, HttpContext.RequestAborted);
        if (Created is null)
        {
            Notice = "SetKeysAlreadyCreated";
        }
        else
        {
            HttpContext.Items["audit:object"] = Created.Info.Id;
        }
        Name = null;
        CreationKey = null;
        ModelState.Clear();
        await LoadAsync();
        return Page();
    }

    [RequirePermission(DashboardPermission.ManageApiKeys)]
    public async Task<IActionResult> OnPostRevokeAsync(string? keyId)
    {
        if (keyId is null || !await businesses.RevokeApiKeyAsync(Dashboard.BusinessId, keyId, HttpContext.RequestAborted))
        {
            return NotFound();
        }
        HttpContext.Items["audit:object"] = keyId;
        return RedirectToPage(new { notice = "revoked" });
    }

    public string NewCreationKey() => Guid.NewGuid().ToString("N");

    private async Task LoadAsync() => Keys = await businesses.ListApiKeysAsync(Dashboard.BusinessId, HttpContext.RequestAborted);
}
