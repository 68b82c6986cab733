using System.Globalization;
using Clientele.Features.Portal.Profile;
using Clientele.Features.Portal.Shell;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// View and change name and phone; ask to change the e-mail address (confirmed by a link to it); set the
/// billing address and tax id printed on later invoices.
/// </summary>
public sealed class ProfileModel(ProfileOperations profile, InvoiceDetailsStore invoiceDetails) : PortalPageModel
{
    public override string Section => PortalNavigation.Profile;

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public string? NewEmail { get; set; }

    [BindProperty]
    public InvoiceDetailsForm Billing { get; set; } = new(null, null, null, null, null, null);

    public IReadOnlyList<string> InvalidFields { get; private set; } = [];

    public string? EmailError { get; private set; }

    /// <summary>A resource key of the notice to show after a change.</summary>
    public string? Notice { get; private set; }

    public string? PendingEmail { get; private set; }

    public async Task OnGetAsync(bool saved = false, bool billingSaved = false)
    {
        Name = Portal.CustomerName;
        Phone = Portal.CustomerPhone;
        await LoadBillingAsync();
        Notice = billingSaved ? "ProfileBillingSaved" : saved ? "ProfileSaved" : null;
    }

    public async Task<IActionResult> OnPostBillingAsync()
    {
        Name = Portal.CustomerName;
        Phone = Portal.CustomerPhone;
        if (await invoiceDetails.SaveAsync(Portal, Billing, HttpContext.RequestAborted) is DetailsOutcome.Invalid invalid)
        {
            InvalidFields = invalid.Fields;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        return RedirectToPage(new { billingSaved = true });
    }

    private async Task LoadBillingAsync()
    {
        var details = await invoiceDetails.GetAsync(await ConnectionAsync(), Portal, HttpContext.RequestAborted);
        Billing = new InvoiceDetailsForm(details.Address?.Country, details.Address?.Street, details.Address?.City, details.Address?.State, details.Address?.Zipcode, details.TaxId);
    }

    public async Task<IActionResult> OnPostDetailsAsync()
    {
        var outcome = await profile.UpdateDetailsAsync(Portal, Name, Phone, HttpContext.RequestAborted);
        if (outcome is DetailsOutcome.Invalid invalid)
        {
            InvalidFields = invalid.Fields;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadBillingAsync();
            return Page();
        }
        return RedirectToPage(new { saved = true });
    }

    public async Task<IActionResult> OnPostEmailAsync()
    {
        Name = Portal.CustomerName;
        Phone = Portal.CustomerPhone;
        var outcome = await profile.RequestEmailChangeAsync(Portal, NewEmail, CultureInfo.CurrentUICulture, HttpContext.RequestAborted);
        await LoadBillingAsync();
        switch (outcome)
        {
            case EmailChangeRequestOutcome.Requested requested:
                PendingEmail = requested.Email;
                NewEmail = null;
                Notice = "EmailChangeRequested";
                break;
            case EmailChangeRequestOutcome.Unchanged:
                EmailError = "EmailChangeUnchanged";
                break;
            case EmailChangeRequestOutcome.RateLimited:
                EmailError = "EmailChangeRateLimited";
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                break;
            default:
                EmailError = string.IsNullOrWhiteSpace(NewEmail) ? "EmailRequired" : "EmailInvalid";
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
        }
        return Page();
    }
}
