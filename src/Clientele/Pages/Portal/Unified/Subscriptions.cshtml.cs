using Clientele.Features.Portal.Unified;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Unified;

/// <summary>Every subscription of the unified session's e-mail, across its businesses (live mode).</summary>
public sealed class SubscriptionsModel(UnifiedPortal unified, UnifiedAccounts accounts) : UnifiedPageModel(unified)
{
    public IReadOnlyList<UnifiedSubscription> Items { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await ResolveAsync() is { } redirect)
        {
            return redirect;
        }
        Items = await accounts.SubscriptionsAsync(Session, HttpContext.RequestAborted);
        return Page();
    }
}
