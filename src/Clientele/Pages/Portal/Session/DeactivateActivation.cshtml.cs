using Clientele.Features.LicenseKeys;
using Clientele.Features.Portal.LicenseKeys;
using Clientele.Features.Portal.Shell;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// The confirmation step before an activation is removed. The removal is the public deactivation
/// operation itself (the key's own text names it, so the rule is one), on a key of this customer only.
/// </summary>
public sealed class DeactivateActivationModel(PortalLicenseKeys keys, LicenseActivations activations) : PortalPageModel
{
    public override string Section => PortalNavigation.LicenseKeys;

    public PortalLicenseKey Key { get; private set; } = null!;

    public PortalActivation Activation { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id, string instanceId)
    {
        if (await keys.FindAsync(Portal, id, HttpContext.RequestAborted) is not { } key
            || key.Activations.FirstOrDefault(a => a.Id == instanceId) is not { } activation)
        {
            return NotFound();
        }
        (Key, Activation) = (key, activation);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, string instanceId)
    {
        if (await keys.FindAsync(Portal, id, HttpContext.RequestAborted) is not { } key)
        {
            return NotFound();
        }
        // A second submit finds the activation gone: one effect, and the page says so.
        var outcome = await activations.DeactivateAsync(new DeactivateRequest(key.Key, instanceId), HttpContext.RequestAborted);
        return RedirectToPage("/Portal/Session/LicenseKeys", new { done = outcome == DeactivationOutcome.Deactivated ? "deactivated" : "gone" });
    }
}
