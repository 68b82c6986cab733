using Dapper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Floor.Pages;

/// <summary>
/// The wallets page's floor: the product's two borrows and three statements (the session; then on one
/// connection <c>WalletStore.ListWalletsAsync</c> and <c>ListEntryPageAsync</c>, a page plus one row), the same rows.
/// </summary>
internal sealed class WalletsModel(NpgsqlDataSource dataSource) : PageModel
{
    /// <summary>Pages/Portal/Session/Wallets.cshtml.cs, PageSize.</summary>
    public const int PageSize = 20;

    public IReadOnlyList<WalletRow> Balances { get; private set; } = [];

    public IReadOnlyList<LedgerEntryRow> Entries { get; private set; } = [];

    public string? CurrencyFilter { get; private set; }

    public int PageNumber { get; private set; }

    public bool HasOlder { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? currency, [FromQuery(Name = "page_number")] int pageNumber = 0)
    {
        var cancellationToken = HttpContext.RequestAborted;
        if (await PortalFloor.ResolveAsync(HttpContext, dataSource) is not { } session)
        {
            return Unauthorized();
        }
        ViewData["Session"] = session;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var scope = new { customerId = session.CustomerId, businessId = session.BusinessId, mode = "test" };
        Balances = (await connection.QueryAsync<WalletRow>(new CommandDefinition(PortalSql.WalletBalances, scope, cancellationToken: cancellationToken))).AsList();
        if (Balances.Count == 0 && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(PortalSql.CustomerExists, scope, cancellationToken: cancellationToken)))
        {
            return NotFound();
        }
        CurrencyFilter = currency is { Length: 3 } code && code.All(char.IsAsciiLetterUpper) ? code : null;
        PageNumber = Math.Clamp(pageNumber, 0, 100_000);
        var rows = (await connection.QueryAsync<LedgerEntryRow>(new CommandDefinition(PortalSql.LedgerPage, new
        {
            businessId = session.BusinessId,
            mode = "test",
            customerId = session.CustomerId,
            currency = CurrencyFilter,
            limit = PageSize + 1,
            offset = (long)PageNumber * PageSize,
        }, cancellationToken: cancellationToken))).AsList();
        HasOlder = rows.Count > PageSize;
        Entries = HasOlder ? rows[..PageSize] : rows;
        return Page();
    }
}
