using Clientele.Features.Portal.Unified;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Unified;

/// <summary>The unified billing history: every payment of the session's e-mail across its businesses (live mode), newest first.</summary>
public sealed class InvoicesModel(UnifiedPortal unified, UnifiedAccounts accounts) : UnifiedPageModel(unified)
{
    public UnifiedPaymentPage History { get; private set; } = new([], false);

    public int PageNumber { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "page_number")] int pageNumber = 0)
    {
        if (await ResolveAsync() is { } redirect)
        {
            return redirect;
        }
        PageNumber = Math.Clamp(pageNumber, 0, 10_000);
        History = await accounts.PaymentsAsync(Session, PageNumber, HttpContext.RequestAborted);
        return Page();
    }
}
