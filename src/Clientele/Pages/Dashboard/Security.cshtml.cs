using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.Dashboard.TwoFactor;
using Microsoft.AspNetCore.Mvc;
using QRCoder;

namespace Clientele.Pages.Dashboard;

/// <summary>
/// <c>/dashboard/security</c>: the person's own two-factor. Set up shows the secret, its URI and a QR code;
/// a code from the app turns it on and shows the recovery codes once; a code turns it off.
/// </summary>
public sealed class SecurityModel(TwoFactorOperations twoFactor) : DashboardPageModel
{
    public override string Section => DashboardNavigation.Security;

    public bool Enabled { get; private set; }

    public int RecoveryCodesLeft { get; private set; }

    public TotpEnrolment? Enrolment { get; private set; }

    /// <summary>Shown once, right after two-factor was turned on.</summary>
    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }

    public string? Error { get; private set; }

    public string? Notice { get; private set; }

    public TimeSpan? RetryAfter { get; private set; }

    public string QrCodeDataUri => Enrolment is null ? "" : "data:image/png;base64," + Convert.ToBase64String(
        new PngByteQRCode(new QRCodeGenerator().CreateQrCode(Enrolment.OtpAuthUri, QRCodeGenerator.ECCLevel.M)).GetGraphic(5));

    public async Task OnGetAsync(string? notice)
    {
        Notice = notice == "Disabled" ? "TwoFactorDisabled" : null;
        await LoadAsync();
        Enrolment = Enabled ? null : await twoFactor.PendingAsync(Dashboard.UserId, Dashboard.Email, HttpContext.RequestAborted);
    }

    [RequirePermission(DashboardPermission.ViewData)]
    public async Task<IActionResult> OnPostBeginAsync()
    {
        if (await twoFactor.BeginAsync(Dashboard.UserId, Dashboard.Email, HttpContext.RequestAborted) is BeginEnrolmentOutcome.Started started)
        {
            Enrolment = started.Enrolment;
        }
        await LoadAsync();
        return Page();
    }

    [RequirePermission(DashboardPermission.ViewData)]
    public async Task<IActionResult> OnPostConfirmAsync(string? code)
    {
        var outcome = await twoFactor.ConfirmAsync(Dashboard.UserId, code, HttpContext.RequestAborted);
        if (outcome is ConfirmEnrolmentOutcome.Enabled enabled)
        {
            NewRecoveryCodes = enabled.RecoveryCodes;
            await LoadAsync();
            return Page();
        }
        (Error, Response.StatusCode) = outcome switch
        {
            ConfirmEnrolmentOutcome.RateLimited limited => ((string?)null, StatusCodes.Status429TooManyRequests),
            ConfirmEnrolmentOutcome.NotStarted => ("TwoFactorNotStarted", StatusCodes.Status409Conflict),
            _ => ("CodeWrong", StatusCodes.Status422UnprocessableEntity),
        };
        RetryAfter = (outcome as ConfirmEnrolmentOutcome.RateLimited)?.RetryAfter;
        await LoadAsync();
        Enrolment = Enabled ? null : await twoFactor.PendingAsync(Dashboard.UserId, Dashboard.Email, HttpContext.RequestAborted);
        return Page();
    }

    [RequirePermission(DashboardPermission.ViewData)]
    public async Task<IActionResult> OnPostDisableAsync(string? code)
    {
        var outcome = await twoFactor.DisableAsync(Dashboard.UserId, code, HttpContext.RequestAborted);
        if (outcome is CodeCheckOutcome.Accepted or CodeCheckOutcome.NotEnabled)
        {
            return RedirectToPage(new { notice = "Disabled" });
        }
        RetryAfter = (outcome as CodeCheckOutcome.RateLimited)?.RetryAfter;
        Error = RetryAfter is null ? "CodeWrong" : null;
        Response.StatusCode = RetryAfter is null ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status429TooManyRequests;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        // As the session found it when this request began, or just turned on by it.
        Enabled = Dashboard.Session.TwoFactorEnabled || NewRecoveryCodes is not null;
        RecoveryCodesLeft = Enabled ? await twoFactor.RecoveryCodesLeftAsync(Dashboard.UserId, HttpContext.RequestAborted) : 0;
    }
}
