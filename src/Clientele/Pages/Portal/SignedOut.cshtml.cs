using Clientele.Features.Businesses;
using Clientele.Features.Portal.Sessions;
using Clientele.Platform.Hosting;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Portal;

/// <summary>After logout, or when a page was opened without a session.</summary>
public sealed class SignedOutModel(BusinessStore businesses) : PageModel
{
    public PortalBrand? Brand { get; private set; }

    public async Task OnGetAsync(string? business)
    {
        Response.Headers.CacheControl = PageSecurity.NoCacheNoStore;
        if (Ids.LooksLike(business, Ids.Business) && await businesses.FindAsync(business!, HttpContext.RequestAborted) is { } found)
        {
            Brand = new PortalBrand(found.Id, found.Name, found.LogoUrl, found.AccentColor, found.SupportEmail, found.PrivacyUrl, found.TermsUrl);
            ViewData["Brand"] = Brand;
        }
    }
}
