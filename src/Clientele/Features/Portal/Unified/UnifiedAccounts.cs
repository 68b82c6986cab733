using Clientele.Features.Payments;
using Clientele.Features.Portal.Billing;
using Clientele.Features.Portal.Sessions;
using Clientele.Features.Subscriptions;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Portal.Unified;

/// <summary>One subscription of the unified session's e-mail, with the business it belongs to.</summary>
public sealed record UnifiedSubscription(PortalBrand Brand, Subscription Subscription)
{
    public bool IsCurrent => !Subscription.IsTerminal;
}

/// <summary>One payment of the unified session's e-mail, with the business it was made to.</summary>
public sealed record UnifiedPayment(PortalBrand Brand, PortalPayment Item);

public sealed record UnifiedPaymentPage(IReadOnlyList<UnifiedPayment> Payments, bool HasOlder);

/// <summary>
/// The unified portal's cross-business lists: every subscription and payment, in the session's mode, of the
/// customers that carry the session's e-mail, each with its business. The customers are found by
/// e-mail (the same rule as the business list); every row is then read by its own business, mode and
/// customer, so nothing of another customer can appear. Each list costs a fixed number of queries.
/// </summary>
public sealed class UnifiedAccounts(NpgsqlDataSource dataSource, UnifiedPortal unified)
{
    public const int MaxSubscriptions = 200;
    public const int PageSize = 20;

    // The (business, customer) pairs of the e-mail in the session's mode, as a sub-select the lists join on.
    private const string Customers = "SELECT business_id, id FROM customers WHERE lower(email) = lower(@email) AND mode = @mode";

    public async Task<IReadOnlyList<UnifiedSubscription>> SubscriptionsAsync(UnifiedSession session, CancellationToken cancellationToken)
    {
        var brands = await BrandsAsync(session, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Subscription>(new CommandDefinition(
            Subscription.Select + $"""
             WHERE s.mode = @mode AND (s.business_id, s.customer_id) IN ({Customers})
             ORDER BY s.created_at DESC, s.id DESC LIMIT @limit
            """, new { email = session.Email, mode = session.ModeText, limit = MaxSubscriptions }, cancellationToken: cancellationToken));
        return [.. rows
            .Where(s => brands.ContainsKey(s.BusinessId))
            .Select(s => new UnifiedSubscription(brands[s.BusinessId], s))
            .OrderByDescending(s => s.IsCurrent)];
    }

    public async Task<UnifiedPaymentPage> PaymentsAsync(UnifiedSession session, int pageNumber, CancellationToken cancellationToken)
    {
        var brands = await BrandsAsync(session, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One row more than the page tells whether an older page exists.
        var rows = (await connection.QueryAsync<PaymentRow>(new CommandDefinition(
            PaymentRow.Select + $"""
             WHERE p.mode = @mode AND (p.business_id, p.customer_id) IN ({Customers})
             ORDER BY p.created_at DESC, p.id DESC LIMIT @limit OFFSET @offset
            """, new { email = session.Email, mode = session.ModeText, limit = PageSize + 1, offset = (long)pageNumber * PageSize }, cancellationToken: cancellationToken))).AsList();
        var hasOlder = rows.Count > PageSize;
        var page = rows.Take(PageSize).Where(p => brands.ContainsKey(p.BusinessId)).ToList();
        if (page.Count == 0)
        {
            return new UnifiedPaymentPage([], hasOlder);
        }
        var (items, numbers) = await PortalBilling.ItemsAndNumbersAsync(
            connection, [.. page.Select(p => p.Id)], [.. page.Select(p => p.BusinessId).Distinct()], session.ModeText, cancellationToken);
        return new UnifiedPaymentPage(
            [.. page.Select(p => new UnifiedPayment(brands[p.BusinessId], new PortalPayment(p, [.. items[p.Id]], numbers.GetValueOrDefault(p.Id), [])))],
            hasOlder);
    }

    private async Task<IReadOnlyDictionary<string, PortalBrand>> BrandsAsync(UnifiedSession session, CancellationToken cancellationToken) =>
        (await unified.ListBusinessesAsync(session, cancellationToken)).ToDictionary(b => b.Brand.BusinessId, b => b.Brand);
}
