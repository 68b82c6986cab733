using Clientele.Features.Dashboard;
using Clientele.Features.Dashboard.Shell;
using Clientele.Features.Portal;
using Clientele.Features.Portal.Access;
using Clientele.Platform;
using Clientele.Platform.Security;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Clientele.Pages.Dashboard.Customer;

/// <summary>
/// <c>/dashboard/customers/{id}/share</c>: the customer's portal links — the business's static link for this
/// mode, and Generate dynamic link, the operation behind <c>POST /customers/{id}/customer-portal/session</c>
/// (single use, 24 hours, optionally e-mailed). The new link is shown once, in the POST's answer: it is never
/// stored in clear and never put in a URL of ours.
/// </summary>
[RequirePermission(DashboardPermission.SendPortalInvites)]
public sealed class ShareModel(PortalAccess access, RateLimiter limiter, IOptions<PublicUrlOptions> urls) : CustomerPageModel
{
    private const string FormPrefix = "share:";

    /// <summary>One e-mail per rendered form: a second send of the same form within a day is refused.</summary>
    private static readonly RateLimitRule OneEmailPerForm = new("dashboard_share_form", 1, TimeSpan.FromDays(1));

    /// <summary>Not a tab of its own: the header keeps About marked.</summary>
    public override CustomerTab Tab => CustomerTab.About;

    public string StaticLink => urls.Value.StaticLoginLink(Dashboard.BusinessId, Dashboard.Mode);

    [BindProperty]
    public bool SendEmail { get; set; }

    [BindProperty]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? FormId { get; set; }

    public string FreshFormId { get; } = FormPrefix + Ids.New("shr");

    public string? ReturnUrlError { get; private set; }

    public string? FormError { get; private set; }

    /// <summary>The link just made, for this one answer only.</summary>
    public DynamicLinkOutcome.Created? Created { get; private set; }

    public bool Emailed { get; private set; }

    public void OnGet()
    {
    }

    [RequirePermission(DashboardPermission.SendPortalInvites)]
    public async Task<IActionResult> OnPostGenerateAsync()
    {
        // The API's return_url rule, as the API reads its query parameter.
        string? returnUrl = null;
        if (!string.IsNullOrWhiteSpace(ReturnUrl) && !Clientele.Features.Portal.ReturnUrl.TryNormalize(ReturnUrl, out returnUrl))
        {
            ReturnUrlError = "LedShareReturnUrlInvalid";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        if (SendEmail)
        {
            if (FormId is not { Length: > 0 and <= 64 } formId || !formId.StartsWith(FormPrefix, StringComparison.Ordinal))
            {
                FormError = "LedShareFormExpired";
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            }
            var decision = await limiter.HitAsync([new RateLimitHit(OneEmailPerForm, $"{Dashboard.BusinessId}:{formId}")], HttpContext.RequestAborted);
            if (!decision.Allowed)
            {
                FormError = "LedShareAlreadySent";
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            }
        }
        switch (await access.CreateDynamicLinkAsync(Dashboard.Tenant, Customer.Id, SendEmail, returnUrl, HttpContext.RequestAborted))
        {
            case DynamicLinkOutcome.Created created:
                Created = created;
                Emailed = SendEmail;
                HttpContext.Items["audit:object"] = Customer.Id;
                return Page();
            default:
                return NotFound();
        }
    }
}
