using Clientele.Features.Dashboard.CustomerDetail;
using Clientele.Features.Portal.Sessions;
using Dapper;
using Npgsql;

namespace Clientele.Features.Portal.Activity;

/// <summary>Who did it: the customer, the business (its team or its API), or the system on its own (a renewal, a hold).</summary>
public static class ActivityWho
{
    public const string Customer = "customer";
    public const string Merchant = "merchant";
    public const string System = "system";
}

/// <summary>
/// One line of the customer's activity. <see cref="Kind"/> is <c>payment</c>, <c>refund</c>,
/// <c>subscription_event</c>, <c>wallet_entry</c>, <c>sign_in</c> or <c>action</c> (an audited change);
/// <see cref="Who"/> is null where the record does not say who caused it.
/// </summary>
public sealed record PortalActivityEntry(DateTime At, string Id, string Kind, string? Who, string? Status, long? Amount, string? Currency, string? Text, string? Detail);

public sealed record PortalActivityPage(IReadOnlyList<PortalActivityEntry> Entries, ActivityCursor? Older);

/// <summary>
/// What happened on the signed-in customer's account, newest first, in one statement: their payments
/// (a renewal is the system's, an on-demand charge the business's), refunds (the business's), the
/// holds, failures and expiries the system put on their subscriptions, wallet entries, their sign-ins,
/// and the audit trail's changes — those the customer made in the portal, and those the business made
/// to the customer or their subscriptions through the API or the dashboard (only operations
/// <see cref="PortalActivityText"/> can name). Every branch is scoped by business, mode and customer,
/// index-backed and cut at the page size.
/// </summary>
public static class PortalActivity
{
    public const int Size = 25;

    private const string Sql = """
        WITH subs AS MATERIALIZED (
            SELECT id FROM subscriptions WHERE business_id = @businessId AND mode = @mode AND customer_id = @customerId
        ),
        branches AS (
            -- A payment of nothing made only to save a card reads as the card saved, not as a $0 purchase.
            (SELECT p.created_at AS at, p.id, 'payment' AS kind,
                    CASE WHEN p.is_update_payment_method AND p.total_amount = 0 THEN 'customer'
                         ELSE CASE sc.kind WHEN 'renewal' THEN 'system' WHEN 'on_demand' THEN 'merchant' END END AS who,
                    p.status, nullif(p.total_amount, 0) AS amount, p.currency,
                    CASE WHEN p.is_update_payment_method AND p.total_amount = 0 THEN 'card_saved' ELSE sc.kind END AS text, NULL::text AS detail
             FROM payments p
             LEFT JOIN subscription_charges sc ON sc.payment_id = p.id AND sc.business_id = p.business_id AND sc.mode = p.mode
             WHERE p.business_id = @businessId AND p.mode = @mode AND p.customer_id = @customerId AND (p.created_at, p.id) < (@at, @id)
             ORDER BY p.created_at DESC, p.id DESC LIMIT @limit)
            UNION ALL
            (SELECT r.created_at, r.id, 'refund', 'merchant', r.status, r.amount, r.currency, r.reason, NULL
             FROM refunds r
             WHERE r.business_id = @businessId AND r.mode = @mode AND r.customer_id = @customerId AND (r.created_at, r.id) < (@at, @id)
             ORDER BY r.created_at DESC, r.id DESC LIMIT @limit)
            UNION ALL
            (SELECT e.created_at, e.id, 'subscription_event', 'system', NULL, NULL, NULL, e.type,
                    (SELECT pr.name FROM subscriptions s JOIN products pr ON pr.id = s.product_id
                     WHERE s.id = (e.payload::jsonb) -> 'data' ->> 'subscription_id' AND s.business_id = @businessId AND s.mode = @mode)
             FROM webhook_events e
             WHERE e.business_id = @businessId AND e.mode = @mode AND e.customer_id = @customerId
               AND e.type IN ('subscription.on_hold', 'subscription.failed', 'subscription.expired')
               AND (e.created_at, e.id) < (@at, @id)
             ORDER BY e.created_at DESC, e.id DESC LIMIT @limit)
            UNION ALL
            (SELECT w.created_at, w.id, 'wallet_entry', NULL, CASE WHEN w.is_credit THEN 'credit' ELSE 'debit' END, w.amount, w.currency, w.reason, NULL
             FROM wallet_ledger_entries w
             WHERE w.business_id = @businessId AND w.mode = @mode AND w.customer_id = @customerId AND (w.created_at, w.id) < (@at, @id)
             ORDER BY w.created_at DESC, w.id DESC LIMIT @limit)
            UNION ALL
            (SELECT ps.created_at, ps.id, 'sign_in', 'customer', NULL, NULL, NULL, NULL, NULL
             FROM portal_sessions ps
             WHERE ps.business_id = @businessId AND ps.mode = @mode AND ps.customer_id = @customerId AND (ps.created_at, ps.id) < (@at, @id)
             ORDER BY ps.created_at DESC, ps.id DESC LIMIT @limit)
            UNION ALL
            (SELECT a.at, 'aud_' || a.id, 'action', CASE WHEN a.actor_kind = 'customer' THEN 'customer' ELSE 'merchant' END,
                    NULL, NULL, NULL, a.action,
                    (SELECT pr.name FROM subscriptions s JOIN products pr ON pr.id = s.product_id
                     WHERE s.id = a.object_id AND s.business_id = @businessId AND s.mode = @mode)
             FROM audit_log a
             WHERE a.business_id = @businessId AND a.mode = @mode
               AND ((a.actor_kind = 'customer' AND a.actor_id = @customerId)
                    OR (a.actor_kind <> 'customer' AND a.action = ANY (@merchantActions)
                        AND (a.object_id = @customerId OR a.object_id IN (SELECT id FROM subs))))
               AND (a.at, 'aud_' || a.id) < (@at, @id)
             ORDER BY a.at DESC, a.id DESC LIMIT @limit)
        )
        SELECT at, id, kind, who, status, amount, currency, text, detail FROM branches
        ORDER BY at DESC, id DESC
        LIMIT @limit
        """;

    public static async Task<PortalActivityPage> ReadAsync(NpgsqlConnection connection, PortalSession session, ActivityCursor? before, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<PortalActivityEntry>(new CommandDefinition(Sql, new
        {
            businessId = session.Tenant.BusinessId,
            mode = session.Tenant.ModeText,
            customerId = session.CustomerId,
            merchantActions = PortalActivityText.MerchantActions,
            at = before?.At ?? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc),
            id = before?.Id ?? "",
            limit = Size + 1,
        }, cancellationToken: cancellationToken))).AsList();
        var entries = rows.Take(Size).ToList();
        return new PortalActivityPage(entries, rows.Count > Size ? new ActivityCursor(entries[^1].At, entries[^1].Id) : null);
    }
}
