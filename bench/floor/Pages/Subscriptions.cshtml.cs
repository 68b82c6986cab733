using Dapper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Floor.Pages;

/// <summary>
/// The subscriptions page's floor: the product's three borrows and three statements (the session;
/// <c>SubscriptionStore.ListAsync</c> with the customer filter; <c>PortalSubscriptions.CardsAsync</c>), the same rows.
/// </summary>
internal sealed class SubscriptionsModel(NpgsqlDataSource dataSource) : PageModel
{
    public IReadOnlyList<(SubscriptionRow Subscription, CardLabel? Card)> Items { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        if (await PortalFloor.ResolveAsync(HttpContext, dataSource) is not { } session)
        {
            return Unauthorized();
        }
        ViewData["Session"] = session;
        List<SubscriptionRow> rows;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            // The product's parameter object (SubscriptionStore.ListAsync), unused filters included.
            rows = (await connection.QueryAsync<SubscriptionRow>(new CommandDefinition(PortalSql.SubscriptionList, new
            {
                businessId = session.BusinessId,
                mode = "test",
                CreatedAtGte = (DateTime?)null,
                CreatedAtLte = (DateTime?)null,
                CustomerId = session.CustomerId,
                Status = (string?)null,
                ProductId = (string?)null,
                CancelAtNextBillingDate = (bool?)null,
                limit = PortalSql.MaxListed,
                offset = 0L,
            }, cancellationToken: cancellationToken))).AsList();
        }
        List<CardLabel> cards;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            cards = (await connection.QueryAsync<CardLabel>(new CommandDefinition(PortalSql.Cards,
                new { customerId = session.CustomerId, businessId = session.BusinessId, mode = "test" }, cancellationToken: cancellationToken))).AsList();
        }
        Items = [.. rows.Select(s => (s, s.PaymentMethodId is null ? null : cards.FirstOrDefault(c => c.Id == s.PaymentMethodId)))
            .OrderByDescending(i => !i.s.IsTerminal)];
        return Page();
    }
}
