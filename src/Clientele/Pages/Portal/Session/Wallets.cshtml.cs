using Clientele.Features.Portal.Shell;
using Clientele.Features.Wallets;
using Clientele.Platform.Api;
using Clientele.Primitives;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Pages.Portal.Session;

/// <summary>
/// The customer's wallets, read-only: the balance per currency and the ledger, newest first, a page
/// at a time, optionally of one currency. Reads through the wallets feature's own store.
/// </summary>
public sealed class WalletsModel(WalletStore wallets) : PortalPageModel
{
    public const int PageSize = 20;

    public override string Section => PortalNavigation.Wallets;

    public IReadOnlyList<Wallet> Balances { get; private set; } = [];

    public IReadOnlyList<LedgerEntry> Entries { get; private set; } = [];

    /// <summary>The currency shown in the ledger, or null for all.</summary>
    public string? CurrencyFilter { get; private set; }

    public int PageNumber { get; private set; }

    public bool HasOlder { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? currency, [FromQuery(Name = "page_number")] int pageNumber = 0)
    {
        var found = await wallets.ListWalletsAsync(Portal.Tenant, Portal.CustomerId, HttpContext.RequestAborted);
        if (found is null)
        {
            return NotFound();
        }
        Balances = found.Wallets;
        CurrencyFilter = Currency.TryFind(currency, out var chosen) ? chosen.Code : null;
        PageNumber = Math.Clamp(pageNumber, 0, 100_000);
        Currency? filter = CurrencyFilter is null ? null : chosen;
        Entries = await wallets.ListEntriesAsync(Portal.Tenant, Portal.CustomerId, filter, new Paging(PageNumber, PageSize), HttpContext.RequestAborted) ?? [];
        // The first entry of the next page, if any, tells whether there is an older page.
        var next = await wallets.ListEntriesAsync(Portal.Tenant, Portal.CustomerId, filter, new Paging((PageNumber + 1) * PageSize, 1), HttpContext.RequestAborted) ?? [];
        HasOlder = next.Count > 0;
        return Page();
    }
}
