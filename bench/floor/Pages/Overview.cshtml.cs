using Dapper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Floor.Pages;

/// <summary>
/// The overview's floor: the product's two borrows and two round trips (the session; then the batch of
/// six statements of <c>PortalOverview.ReadAsync</c>), the same rows, a plain page.
/// </summary>
internal sealed class OverviewModel(NpgsqlDataSource dataSource) : PageModel
{
    /// <summary>Features/Portal/Overview/PortalOverview.cs, ExpiryWarning.</summary>
    private static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    public FloorSession Session { get; private set; } = null!;

    public IReadOnlyList<(SubscriptionRow Subscription, long Dues)> OnHold { get; private set; } = [];

    public IReadOnlyList<(CardLabel Card, bool Expired)> ExpiringCards { get; private set; } = [];

    public IReadOnlyList<SubscriptionRow> Current { get; private set; } = [];

    public IReadOnlyList<OverviewInvoice> LatestInvoices { get; private set; } = [];

    public IReadOnlyList<OverviewWallet> Wallets { get; private set; } = [];

    public int LicenseKeys { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        if (await PortalFloor.ResolveAsync(HttpContext, dataSource) is not { } session)
        {
            return Unauthorized();
        }
        Session = session;
        ViewData["Session"] = session;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(PortalSql.Overview,
            new { customerId = session.CustomerId, businessId = session.BusinessId, mode = "test" }, cancellationToken: cancellationToken));
        var subscriptions = (await results.ReadAsync<SubscriptionRow>()).AsList();
        var dues = (await results.ReadAsync<(string SubscriptionId, long Dues)>()).ToDictionary(d => d.SubscriptionId, d => d.Dues);
        var cards = (await results.ReadAsync<CardLabel>()).AsList();
        LatestInvoices = (await results.ReadAsync<OverviewInvoice>()).AsList();
        Wallets = (await results.ReadAsync<OverviewWallet>()).AsList();
        LicenseKeys = await results.ReadSingleAsync<int>();
        var now = DateTime.UtcNow;
        OnHold = [.. subscriptions.Where(s => s.Status == "on_hold").Select(s => (s, dues.GetValueOrDefault(s.Id)))];
        ExpiringCards = [.. cards.Where(c => c.ValidUntil - now <= ExpiryWarning).Select(c => (c, c.ValidUntil <= now))];
        Current = [.. subscriptions.Where(s => s.Status != "on_hold")];
        return Page();
    }
}
