using System.Globalization;
using Clientele.Features.Businesses;
using Clientele.Features.Portal.Access;
using Clientele.Features.Portal.Sessions;
using Clientele.Features.Portal.Shell;
using Clientele.Platform.Hosting;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Clientele.Pages.Portal;

/// <summary>
/// The static link, <c>/login/{business_id}</c> (test mode under the test base URL): asks for the
/// e-mail used at purchase and always answers the same way, known or not.
/// </summary>
public sealed class LoginModel(BusinessStore businesses, PortalAccess access, IOptions<Clientele.Features.Portal.PortalOptions> options) : PageModel
{
    public PortalBrand Brand { get; private set; } = null!;

    [BindProperty]
    public string? Email { get; set; }

    public bool Ended { get; private set; }

    public bool Sent { get; private set; }

    public string? SentTo { get; private set; }

    public string? EmailError { get; private set; }

    public TimeSpan? RetryAfter { get; private set; }

    public TimeSpan LinkLifetime => options.Value.StaticLinkLifetime;

    public async Task<IActionResult> OnGetAsync(string businessId, bool ended = false)
    {
        if (!await LoadAsync(businessId))
        {
            return NotFound();
        }
        Ended = ended;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string businessId)
    {
        if (!await LoadAsync(businessId))
        {
            return NotFound();
        }
        var email = EmailAddress.Normalize(Email);
        if (email is null)
        {
            EmailError = string.IsNullOrWhiteSpace(Email) ? "EmailRequired" : "EmailInvalid";
            return Page();
        }
        var outcome = await access.RequestStaticLinkAsync(Brand, PortalMode.Of(HttpContext), email, ClientAddress.Of(HttpContext), CultureInfo.CurrentUICulture, HttpContext.RequestAborted);
        if (outcome is StaticLinkOutcome.RateLimited limited)
        {
            RetryAfter = limited.RetryAfter;
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Page();
        }
        Sent = true;
        SentTo = email;
        return Page();
    }

    private async Task<bool> LoadAsync(string businessId)
    {
        Response.Headers.CacheControl = PageSecurity.NoCacheNoStore;
        if (!Ids.LooksLike(businessId, Ids.Business) || await businesses.FindAsync(businessId, HttpContext.RequestAborted) is not { } business)
        {
            return false;
        }
        Brand = new PortalBrand(business.Id, business.Name, business.LogoUrl, business.AccentColor, business.SupportEmail, business.PrivacyUrl, business.TermsUrl);
        ViewData["Brand"] = Brand;
        return true;
    }
}
