namespace Floor;

/// <summary>
/// The portal pages' statements, copied verbatim from the product (composed the same way, so PostgreSQL
/// receives the same text; bench/portal/run.sh compares the two from PostgreSQL's log).
/// </summary>
internal static class PortalSql
{
    /// <summary>Features/Portal/Sessions/PortalSessionStore.cs, ResolveAsync(NpgsqlConnection, …): the session and its once-a-minute touch.</summary>
    public const string ResolveSession = """
        WITH live AS (
            SELECT token_hash, id, business_id, mode, customer_id, return_url, unified_session_id, expires_at, last_seen_at
            FROM portal_sessions
            WHERE token_hash = @hash AND mode = @mode AND revoked_at IS NULL AND expires_at > @now AND last_seen_at > @idleCutoff
        ),
        touched AS (
            UPDATE portal_sessions s SET last_seen_at = @now
            FROM live
            WHERE s.token_hash = live.token_hash AND live.last_seen_at <= @touchCutoff AND s.last_seen_at <= @touchCutoff
        )
        SELECT t.id AS session_id, t.business_id, t.customer_id, t.return_url, t.unified_session_id, t.expires_at,
               c.name AS customer_name, c.email AS customer_email, c.phone_number AS customer_phone,
               b.name AS business_name, b.logo_url, b.accent_color, b.support_email, b.privacy_url, b.terms_url
        FROM live t
        JOIN customers c ON c.id = t.customer_id AND c.business_id = t.business_id AND c.mode = t.mode
        JOIN businesses b ON b.id = t.business_id
        """;

    /// <summary>Features/Subscriptions/Subscription.cs, Select.</summary>
    public const string SubscriptionSelect = """
        SELECT s.id, s.business_id, s.mode, s.customer_id, s.product_id, s.quantity, s.status, s.currency, s.unit_amount,
               s.recurring_pre_tax_amount, s.tax_inclusive, s.payment_frequency_count, s.payment_frequency_interval,
               s.subscription_period_count, s.subscription_period_interval, s.trial_period_days, s.trial_amount, s.on_demand,
               s.billing::text AS billing, s.metadata::text AS metadata, s.tax_id, s.payment_method_id, s.billing_anchor, s.next_period,
               s.previous_billing_date, s.next_billing_date, s.expires_at, s.cancel_at_next_billing_date, s.cancelled_at, s.cancel_reason,
               s.cancellation_feedback, s.cancellation_comment, s.paused_at, s.on_hold_at, s.scheduled_change_id, s.scheduled_product_id,
               s.scheduled_quantity, s.scheduled_created_at, s.charge_in_flight, s.created_at, s.updated_at,
               c.name AS customer_name, c.email AS customer_email, c.phone_number AS customer_phone, c.metadata::text AS customer_metadata,
               p.name AS product_name, sp.name AS scheduled_product_name, sp.description AS scheduled_product_description
        FROM subscriptions s
        JOIN customers c ON c.id = s.customer_id
        JOIN products p ON p.id = s.product_id
        LEFT JOIN products sp ON sp.id = s.scheduled_product_id
        """;

    /// <summary>Features/Portal/Subscriptions/PortalSubscriptions.cs, MaxListed.</summary>
    public const int MaxListed = 100;

    /// <summary>Features/Portal/Overview/PortalOverview.cs, InvoicesShown.</summary>
    public const int InvoicesShown = 3;

    /// <summary>
    /// Features/Portal/Overview/PortalOverview.cs, ReadAsync: one round trip of six statements (subscriptions,
    /// on-hold dues, cards, latest invoices, wallets, license-key count).
    /// </summary>
    public static readonly string Overview = $"""
        {SubscriptionSelect}
        WHERE s.customer_id = @customerId AND s.business_id = @businessId AND s.mode = @mode AND s.status IN ('active', 'on_hold', 'paused')
        ORDER BY s.created_at DESC, s.id DESC LIMIT {MaxListed};

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
        """;

    /// <summary>
    /// Features/Subscriptions/SubscriptionStore.cs, ListAsync, as <c>PortalSubscriptions.ListAsync</c> calls it (the
    /// customer filter only): the statement its StringBuilder makes.
    /// </summary>
    public const string SubscriptionList = SubscriptionSelect + " WHERE s.business_id = @businessId AND s.mode = @mode"
        + " AND s.customer_id = @CustomerId" + " ORDER BY s.created_at DESC, s.id DESC LIMIT @limit OFFSET @offset";

    /// <summary>Features/Portal/Subscriptions/PortalSubscriptions.cs, CardsAsync.</summary>
    public const string Cards = """
        SELECT id, card_network AS network, last4, expiry_month, expiry_year FROM payment_methods
        WHERE customer_id = @customerId AND business_id = @businessId AND mode = @mode
        """;

    /// <summary>Features/Wallets/WalletStore.cs, ListWalletsAsync(NpgsqlConnection, …).</summary>
    public const string WalletBalances = """
        SELECT c.id AS customer_id, cur.currency, coalesce(w.balance, 0) AS balance,
               coalesce(w.created_at, c.created_at) AS created_at, coalesce(w.updated_at, c.created_at) AS updated_at
        FROM customers c
        JOIN businesses b ON b.id = c.business_id
        CROSS JOIN LATERAL (
            SELECT unnest(b.default_currencies)
            UNION
            SELECT currency FROM wallets WHERE business_id = c.business_id AND mode = c.mode AND customer_id = c.id
        ) AS cur (currency)
        LEFT JOIN wallets w ON w.business_id = c.business_id AND w.mode = c.mode AND w.customer_id = c.id AND w.currency = cur.currency
        WHERE c.id = @customerId AND c.business_id = @businessId AND c.mode = @mode
        ORDER BY cur.currency
        """;

    /// <summary>Features/Wallets/Wallet.cs, LedgerEntry.Columns.</summary>
    public const string LedgerEntryColumns = "id, business_id, mode, customer_id, currency, amount, is_credit, event_type, before_balance, after_balance, reason, reference_object_id, created_at";

    /// <summary>Features/Wallets/WalletStore.cs, ListEntriesAsync (private; called by ListEntryPageAsync with a page plus one row).</summary>
    public static readonly string LedgerPage = $"""
        SELECT {LedgerEntryColumns} FROM wallet_ledger_entries
        WHERE business_id = @businessId AND mode = @mode AND customer_id = @customerId
          AND (@currency::text IS NULL OR currency = @currency)
        ORDER BY seq DESC
        LIMIT @limit OFFSET @offset
        """;

    /// <summary>Features/Wallets/WalletStore.cs, CustomerExistsAsync (sent only when a wallet read finds no row).</summary>
    public const string CustomerExists = "SELECT EXISTS (SELECT 1 FROM customers WHERE id = @customerId AND business_id = @businessId AND mode = @mode)";
}
