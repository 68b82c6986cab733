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
        var connection = await ConnectionAsync();
        var found = await wallets.ListWalletsAsync(connection, Portal.Tenant, Portal.CustomerId, HttpContext.RequestAborted);
        if (found is null)
        {
            return NotFound();
        }
        Balances = found.Wallets;
        CurrencyFilter = Currency.TryFind(currency, out var chosen) ? chosen.Code : null;
        PageNumber = Math.Clamp(pageNumber, 0, 100_000);
        Currency? filter = CurrencyFilter is null ? null : chosen;
        (Entries, HasOlder) = await wallets.ListEntryPageAsync(connection, Portal.Tenant, Portal.CustomerId, filter, new Paging(PageNumber, PageSize), HttpContext.RequestAborted) ?? ([], false);
        return Page();
    }
}
