using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Dashboard;

/// <summary><c>/dashboard</c>: the home is the customer list (which signs the person in first if needed).</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet(string? business) =>
        RedirectToPage("/Dashboard/Customers", new { business });
}
