using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Settings;
using Clientele.Features.Dashboard.Shell;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Dashboard.Settings;

/// <summary>
/// <c>/dashboard/settings/branding</c>: how the portal and checkout look — business name, logo (upload or remove),
/// accent colour, support e-mail, privacy and terms links — with a preview of the portal's header as saved.
/// </summary>
[RequirePermission(DashboardPermission.ManageSettings)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxRequestBytes)]
[RequestSizeLimit(MaxRequestBytes)]
public sealed class BrandingModel(PortalBranding branding) : DashboardPageModel
{
    /// <summary>Room for the largest logo and the form's fields; a bigger logo gets its message from <see cref="LogoFile"/>.</summary>
    private const int MaxRequestBytes = 2 * LogoFile.MaxBytes;

    public override string Section => DashboardNavigation.Branding;

    public Branding Current { get; private set; } = null!;

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? AccentColor { get; set; }

    [BindProperty]
    public string? SupportEmail { get; set; }

    [BindProperty]
    public string? PrivacyUrl { get; set; }

    [BindProperty]
    public string? TermsUrl { get; set; }

    [BindProperty]
    public IFormFile? Logo { get; set; }

    [BindProperty]
    public bool RemoveLogo { get; set; }

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Warnings { get; private set; } = new Dictionary<string, string>();

    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? notice)
    {
        if (await branding.GetAsync(Dashboard.BusinessId, HttpContext.RequestAborted) is not { } current)
        {
            return NotFound();
        }
        Current = current;
        (Name, AccentColor, SupportEmail, PrivacyUrl, TermsUrl) = (current.Name, current.AccentColor, current.SupportEmail, current.PrivacyUrl, current.TermsUrl);
        Warnings = BrandingRules.Validate(Form()).Warnings;
        Saved = notice == "saved";
        return Page();
    }

    [RequirePermission(DashboardPermission.ManageSettings)]
    public async Task<IActionResult> OnPostAsync()
    {
        var outcome = await branding.SaveAsync(Dashboard.BusinessId, Form(), await LogoBytesAsync(), RemoveLogo, HttpContext.RequestAborted);
        if (outcome.Succeeded)
        {
            HttpContext.Items["audit:object"] = Dashboard.BusinessId;
            return RedirectToPage(new { notice = "saved" });
        }
        if (await branding.GetAsync(Dashboard.BusinessId, HttpContext.RequestAborted) is not { } current)
        {
            return NotFound();
        }
        Current = current;
        Errors = outcome.Errors;
        Warnings = outcome.Warnings;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var key) ? key : null;

    public string? WarningFor(string field) => Warnings.TryGetValue(field, out var key) ? key : null;

    private BrandingForm Form() => new(Name, AccentColor, SupportEmail, PrivacyUrl, TermsUrl);

    /// <summary>The chosen file's bytes, reading at most one byte past the limit (enough to know it is too large).</summary>
    private async Task<byte[]?> LogoBytesAsync()
    {
        if (Logo is null || Logo.Length == 0)
        {
            return null;
        }
        await using var stream = Logo.OpenReadStream();
        var buffer = new byte[Math.Min(Logo.Length, LogoFile.MaxBytes + 1)];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, HttpContext.RequestAborted);
        return buffer[..read];
    }
}
