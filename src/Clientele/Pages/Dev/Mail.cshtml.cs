using Clientele.Platform.Email;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clientele.Pages.Dev;

/// <summary>
/// The dev mailbox: mail that had no SMTP server to go to (and all test-mode mail), newest first.
/// Development only: elsewhere this page does not exist (404), because bodies hold login links.
/// </summary>
public sealed class MailModel(DevMailbox mailbox, IWebHostEnvironment environment) : PageModel
{
    public IReadOnlyList<DevMail> Messages { get; private set; } = [];

    public string? To { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? to)
    {
        if (!environment.IsDevelopment())
        {
            return NotFound();
        }
        Response.Headers.CacheControl = Clientele.Platform.Hosting.PageSecurity.NoCacheNoStore;
        To = string.IsNullOrWhiteSpace(to) ? null : to.Trim();
        Messages = await mailbox.ListAsync(To, 50, HttpContext.RequestAborted);
        return Page();
    }
}
