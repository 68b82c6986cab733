using System.Globalization;
using Clientele.Primitives;
using Dapper;
using Npgsql;

namespace Clientele.Features.Dashboard.CustomerDetail;

/// <summary>What an Activity entry is about; each names its localized label (<c>LedAct_{kind}</c>).</summary>
public static class ActivityKind
{
    public const string Payment = "payment";
    public const string Refund = "refund";
    public const string SubscriptionCreated = "subscription_created";
    public const string SubscriptionChange = "subscription_change";
    public const string WalletEntry = "wallet_entry";
    public const string Email = "email";
    public const string PortalSignIn = "portal_sign_in";
    public const string WebhookDelivery = "webhook_delivery";
}

/// <summary>
/// One entry of the timeline: when, what kind, the object's id, and the fields its one-line description
/// is made of (<see cref="Status"/>, an amount, a <see cref="Text"/> such as a reason, subject or event
/// type, and a <see cref="Reference"/> such as the payment a refund is of). Never an e-mail's body.
/// </summary>
public sealed record ActivityEntry(DateTime At, string Id, string Kind, string? Status, long? Amount, string? Currency, string? Text, string? Reference);

/// <summary>A page of the timeline, and the cursor of the next (older) page.</summary>
public sealed record ActivityPage(IReadOnlyList<ActivityEntry> Entries, ActivityCursor? Older);

/// <summary>The position after which a page starts: (time, id) of the last entry shown, as in the URL's <c>before</c>.</summary>
public sealed record ActivityCursor(DateTime At, string Id)
{
    public override string ToString() => $"{At.Ticks.ToString(CultureInfo.InvariantCulture)}.{Id}";

    public static ActivityCursor? Parse(string? text)
    {
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (text is null || dot <= 0 || text.Length - dot - 1 is < 1 or > 64
            || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return null;
        }
        return new ActivityCursor(new DateTime(ticks, DateTimeKind.Utc), text[(dot + 1)..]);
    }
}

/// <summary>
/// The customer's Activity: one SQL statement, a <c>UNION ALL</c> of the records the system already keeps
/// (payments, refunds, subscriptions and their change events, wallet entries, e-mails to the customer's
/// address, portal sign-ins, webhook deliveries of events about them). Each branch is scoped by business
/// and mode, read from a per-customer index newest first and cut at the page size; the merge takes the
/// page from at most branches × page rows.
/// </summary>
public static class CustomerActivity
{
    public const int Size = 25;

    private const string Sql = """
        WITH branches AS (
            (SELECT p.created_at AS at, p.id, 'payment' AS kind, p.status, p.total_amount AS amount, p.currency, NULL::text AS text, p.subscription_id AS reference
             FROM payments p
             WHERE p.business_id = @businessId AND p.mode = @mode AND p.customer_id = @customerId AND (p.created_at, p.id) < (@at, @id)
             ORDER BY p.created_at DESC, p.id DESC LIMIT @limit)
            UNION ALL
            (SELECT r.created_at, r.id, 'refund', r.status, r.amount, r.currency, r.reason, r.payment_id
             FROM refunds r
             WHERE r.business_id = @businessId AND r.mode = @mode AND r.customer_id = @customerId AND (r.created_at, r.id) < (@at, @id)
             ORDER BY r.created_at DESC, r.id DESC LIMIT @limit)
            UNION ALL
            (SELECT s.created_at, s.id, 'subscription_created', s.status, s.recurring_pre_tax_amount, s.currency, pr.name, s.product_id
             FROM (SELECT * FROM subscriptions
                   WHERE business_id = @businessId AND mode = @mode AND customer_id = @customerId AND (created_at, id) < (@at, @id)
                   ORDER BY created_at DESC, id DESC LIMIT @limit) s
             LEFT JOIN products pr ON pr.id = s.product_id AND pr.business_id = s.business_id AND pr.mode = s.mode)
            UNION ALL
            (SELECT e.created_at, e.id, 'subscription_change', NULL, NULL, NULL, e.type, (e.payload::jsonb) -> 'data' ->> 'subscription_id'
             FROM webhook_events e
             WHERE e.business_id = @businessId AND e.mode = @mode AND e.customer_id = @customerId AND e.type LIKE 'subscription.%'
               AND (e.created_at, e.id) < (@at, @id)
             ORDER BY e.created_at DESC, e.id DESC LIMIT @limit)
            UNION ALL
            (SELECT w.created_at, w.id, 'wallet_entry', CASE WHEN w.is_credit THEN 'credit' ELSE 'debit' END, w.amount, w.currency, w.reason, w.event_type
             FROM wallet_ledger_entries w
             WHERE w.business_id = @businessId AND w.mode = @mode AND w.customer_id = @customerId AND (w.created_at, w.id) < (@at, @id)
             ORDER BY w.created_at DESC, w.id DESC LIMIT @limit)
            UNION ALL
            (SELECT o.created_at, o.id, 'email', o.status, NULL, NULL, o.subject, o.kind
             FROM email_outbox o
             WHERE o.business_id = @businessId AND o.mode = @mode AND lower(o.recipient) = lower(@email) AND (o.created_at, o.id) < (@at, @id)
             ORDER BY o.created_at DESC, o.id DESC LIMIT @limit)
            UNION ALL
            (SELECT ps.created_at, ps.id, 'portal_sign_in', NULL, NULL, NULL, NULL, NULL
             FROM portal_sessions ps
             WHERE ps.business_id = @businessId AND ps.mode = @mode AND ps.customer_id = @customerId AND (ps.created_at, ps.id) < (@at, @id)
             ORDER BY ps.created_at DESC, ps.id DESC LIMIT @limit)
            UNION ALL
            -- A delivery is dated by its event. The newest events (with a delivery) before the cursor, plus
            -- all at the cursor's exact time, hold every delivery this page can need.
            (SELECT e.created_at, d.id, 'webhook_delivery', d.status, NULL, NULL, e.type, ep.url
             FROM (
                 (SELECT id, type, created_at FROM webhook_events ev
                  WHERE ev.business_id = @businessId AND ev.mode = @mode AND ev.customer_id = @customerId AND ev.created_at < @at
                    AND EXISTS (SELECT 1 FROM webhook_deliveries x WHERE x.event_id = ev.id)
                  ORDER BY ev.created_at DESC, ev.id DESC LIMIT @limit)
                 UNION ALL
                 (SELECT id, type, created_at FROM webhook_events ev
                  WHERE ev.business_id = @businessId AND ev.mode = @mode AND ev.customer_id = @customerId AND ev.created_at = @at)
             ) e
             JOIN webhook_deliveries d ON d.event_id = e.id AND d.business_id = @businessId AND d.mode = @mode
             JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
             WHERE (e.created_at, d.id) < (@at, @id)
             ORDER BY e.created_at DESC, d.id DESC LIMIT @limit)
        )
        SELECT at, id, kind, status, amount, currency, text, reference FROM branches
        ORDER BY at DESC, id DESC
        LIMIT @limit
        """;

    public static async Task<ActivityPage> ReadAsync(NpgsqlDataSource dataSource, Tenant tenant, string customerId, string email, ActivityCursor? before, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ActivityEntry>(new CommandDefinition(Sql, new
        {
            businessId = tenant.BusinessId,
            mode = tenant.ModeText,
            customerId,
            email,
            // The first page starts after everything: 'infinity' is later than any time.
            at = before?.At ?? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc),
            id = before?.Id ?? "",
            limit = Size + 1,
        }, cancellationToken: cancellationToken))).AsList();
        var entries = rows.Take(Size).ToList();
        return new ActivityPage(entries, rows.Count > Size ? new ActivityCursor(entries[^1].At, entries[^1].Id) : null);
    }
}
