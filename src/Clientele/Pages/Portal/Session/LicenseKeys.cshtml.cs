using Clientele.Features.Portal.LicenseKeys;
using Clientele.Features.Portal.Shell;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// The customer's license keys: product, status and why, expiry, seats used, the key masked with
/// Reveal (a GET that works without script; the script turns it into an in-place toggle) and Copy
/// (script only), and each activation with Deactivate.
/// </summary>
public sealed class LicenseKeysModel(PortalLicenseKeys keys, TimeProvider clock) : PortalPageModel
{
    public override string Section => PortalNavigation.LicenseKeys;

    public IReadOnlyList<PortalLicenseKey> Keys { get; private set; } = [];

    /// <summary>The key shown in full (without script, Reveal asks for the page again with it).</summary>
    public string? Revealed { get; private set; }

    public DateTime Now { get; private set; }

    /// <summary>A resource key: what just happened (after a redirect).</summary>
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? reveal, string? done)
    {
        Notice = done is "deactivated" or "gone" ? "LkDone_" + done : null;
        Now = clock.GetUtcNow().UtcDateTime;
        Keys = await keys.ListAsync(Portal, HttpContext.RequestAborted);
        Revealed = Keys.Any(k => k.Id == reveal) ? reveal : null;
    }
}
