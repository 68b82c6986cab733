using Clientele.Features.Portal.Sessions;
using Clientele.Features.Portal.Subscriptions;
using Clientele.Features.Subscriptions;
using Dapper;
using Npgsql;

namespace Clientele.Features.Portal.Overview;

/// <summary>An on-hold subscription and what it owes.</summary>
public sealed record OverviewOnHold(Subscription Subscription, long Dues);

/// <summary>One of the latest invoices: its payment, number, what was bought and the total.</summary>
public sealed record OverviewInvoice(string PaymentId, string Number, DateTime CreatedAt, long TotalAmount, string Currency, string? Items);

public sealed record OverviewWallet(string Currency, long Balance);

/// <summary>A saved card whose last valid day is near, or past (<paramref name="Expired"/>).</summary>
public sealed record ExpiringCard(CardLabel Card, bool Expired);

/// <summary>The overview's summary: what needs attention, then the current state of each section.</summary>
public sealed record PortalOverviewSummary(
    IReadOnlyList<OverviewOnHold> OnHold,
    IReadOnlyList<ExpiringCard> ExpiringCards,
    IReadOnlyList<Subscription> Current,
    IReadOnlyList<OverviewInvoice> LatestInvoices,
    IReadOnlyList<OverviewWallet> Wallets,
    int LicenseKeys)
{
    public bool NeedsAttention => OnHold.Count > 0 || ExpiringCards.Count > 0;
}

/// <summary>
/// Reads the overview of the session's customer in their business and mode: one round trip of six
/// statements (subscriptions, on-hold dues, cards, latest invoices, wallets, key count), whatever
/// the number of rows.
/// </summary>
public sealed class PortalOverview(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int InvoicesShown = 3;

    /// <summary>A card whose last valid day is this close (or past) is flagged.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    public async Task<PortalOverviewSummary> ReadAsync(PortalSession session, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition($"""
            {Subscription.Select}
            WHERE s.customer_id = @customerId AND s.business_id = @businessId AND s.mode = @mode AND s.status IN ('active', 'on_hold', 'paused')
            ORDER BY s.created_at DESC, s.id DESC LIMIT {PortalSubscriptions.MaxListed};

            SELECT ch.subscription_id, coalesce(sum(ch.amount), 0)::bigint AS dues
            FROM subscription_charges ch
            JOIN subscriptions s ON s.id = ch.subscription_id AND s.business_id = ch.business_id AND s.mode = ch.mode
            WHERE s.customer_id = @customerId AND s.status = 'on_hold' AND ch.business_id = @businessId AND ch.mode = @mode
              AND ch.is_due AND ch.settled_by IS NULL
            GROUP BY ch.subscription_id;

            SELECT id, card_network AS network, last4, expiry_month, expiry_year FROM payment_methods
            WHERE customer_id = @customerId AND business_id = @businessId AND mode = @mode AND deleted_at IS NULL
            ORDER BY created_at DESC, id DESC;

            SELECT p.id AS payment_id, i.number, p.created_at, p.total_amount, p.currency,
                   (SELECT string_agg(l.name, ', ' ORDER BY l.position) FROM payment_line_items l
                    WHERE l.payment_id = p.id AND l.business_id = p.business_id AND l.mode = p.mode) AS items
            FROM payments p
            JOIN invoices i ON i.payment_id = p.id AND i.business_id = p.business_id AND i.mode = p.mode
            WHERE p.customer_id = @customerId AND p.business_id = @businessId AND p.mode = @mode
            ORDER BY p.created_at DESC, p.id DESC LIMIT {InvoicesShown};

            SELECT currency, balance FROM wallets
            WHERE customer_id = @customerId AND business_id = @businessId AND mode = @mode AND balance > 0 ORDER BY currency;

            SELECT count(*)::int FROM license_keys WHERE customer_id = @customerId AND business_id = @businessId AND mode = @mode;
            """, new { customerId = session.CustomerId, businessId = session.Tenant.BusinessId, mode = session.Tenant.ModeText },
            cancellationToken: cancellationToken));
        var subscriptions = (await results.ReadAsync<Subscription>()).AsList();
        var dues = (await results.ReadAsync<(string SubscriptionId, long Dues)>()).ToDictionary(d => d.SubscriptionId, d => d.Dues);
        var cards = (await results.ReadAsync<CardLabel>()).AsList();
        var invoices = (await results.ReadAsync<OverviewInvoice>()).AsList();
        var wallets = (await results.ReadAsync<OverviewWallet>()).AsList();
        var keys = await results.ReadSingleAsync<int>();
        var now = clock.GetUtcNow().UtcDateTime;
        return new PortalOverviewSummary(
            [.. subscriptions.Where(s => s.Status == SubscriptionStatus.OnHold).Select(s => new OverviewOnHold(s, dues.GetValueOrDefault(s.Id)))],
            [.. cards.Where(c => ValidUntil(c) - now <= ExpiryWarning).Select(c => new ExpiringCard(c, ValidUntil(c) <= now))],
            [.. subscriptions.Where(s => s.Status != SubscriptionStatus.OnHold)],
            invoices,
            wallets,
            keys);
    }

    /// <summary>A card works through the last day of its expiry month.</summary>
    public static DateTime ValidUntil(CardLabel card) => new DateTime(card.ExpiryYear, card.ExpiryMonth, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
}
