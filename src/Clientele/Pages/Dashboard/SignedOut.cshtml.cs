using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Dashboard;

public sealed class SignedOutModel : PageModel
{
    public void OnGet() => Response.Headers.CacheControl = Clientele.Platform.Hosting.PageSecurity.NoCacheNoStore;
}
