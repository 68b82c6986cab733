-- After a run: one row of checks (psql -tA -F ' '). :'started' is when the run began.
-- Joins and aggregates only (no per-row lookups), so it stays fast at 100,000s of rows.
\set ON_ERROR_STOP on
WITH processor AS (
    SELECT idempotency_key, count(*) AS charges, count(*) FILTER (WHERE status = 'succeeded') AS successes,
           sum(amount) FILTER (WHERE status = 'succeeded') AS paid
    FROM test_processor_charges GROUP BY business_id, mode, idempotency_key
), renewal AS (
    SELECT c.subscription_id, c.period_start, c.status, c.amount, c.wallet_amount, p.status AS payment_status,
           coalesce(t.successes, 0) AS processor_successes, coalesce(t.paid, 0) AS processor_paid
    FROM subscription_charges c
    JOIN payments p ON p.id = c.payment_id
    LEFT JOIN processor t ON t.idempotency_key = c.idempotency_key
    WHERE c.kind = 'renewal'
), seeded AS (
    SELECT customer_id, after_balance AS balance FROM wallet_ledger_entries WHERE reason = 'bench seed'
), expected AS (
    -- On hold exactly when the card declines and the wallet did not cover the whole 1,000.
    SELECT count(*) FILTER (WHERE t.behaviour = 'card_declined' AND coalesce(w.balance, 0) < s.recurring_pre_tax_amount) AS on_hold
    FROM subscriptions s
    JOIN payment_methods m ON m.id = s.payment_method_id
    JOIN test_processor_cards t ON t.token = m.processor_token
    LEFT JOIN seeded w ON w.customer_id = s.customer_id
), ledger AS (
    SELECT business_id, mode, customer_id, currency, sum(CASE WHEN is_credit THEN amount ELSE -amount END) AS total
    FROM wallet_ledger_entries GROUP BY 1, 2, 3, 4
)
SELECT
    (SELECT count(*) FROM subscriptions) AS subscriptions,
    (SELECT count(*) FROM renewal) AS renewal_charges,
    -- a period charged twice: more than one renewal charge per (subscription, period_start)
    (SELECT count(*) FROM (SELECT 1 FROM renewal GROUP BY subscription_id, period_start HAVING count(*) > 1) x) AS periods_charged_twice,
    -- each subscription was due exactly once, so a second renewal charge of any period is a double charge too
    (SELECT count(*) FROM (SELECT 1 FROM renewal GROUP BY subscription_id HAVING count(*) > 1) x) AS subscriptions_charged_twice,
    -- the processor's own books: one charge per idempotency key, at most one success per subscription
    (SELECT count(*) FROM processor WHERE charges > 1) AS processor_keys_twice,
    (SELECT count(*) FROM (SELECT 1 FROM test_processor_charges WHERE status = 'succeeded' AND split_part(idempotency_key, ':', 3) = 'renewal'
        GROUP BY split_part(idempotency_key, ':', 2) HAVING count(*) > 1) x) AS processor_successes_twice,
    (SELECT count(*) FROM renewal WHERE status = 'succeeded') AS renewed,
    (SELECT count(*) FROM renewal WHERE status = 'failed') AS failed,
    (SELECT count(*) FROM subscription_charges WHERE status = 'processing') AS processing,
    (SELECT count(*) FROM subscriptions WHERE charge_in_flight IS NOT NULL) AS in_flight,
    (SELECT count(*) FROM subscriptions WHERE status = 'active' AND next_billing_date <= :'started'::timestamptz) AS still_due,
    (SELECT count(*) FROM subscriptions WHERE status = 'active' AND next_billing_date > now()) AS active_ahead,
    (SELECT count(*) FROM subscriptions WHERE status = 'on_hold') AS on_hold,
    (SELECT on_hold FROM expected) AS expected_on_hold,
    -- money: every succeeded renewal is paid in full by wallet + processor; a failed one took nothing
    (SELECT count(*) FROM renewal WHERE status = 'succeeded' AND payment_status = 'succeeded' AND wallet_amount + processor_paid = amount) AS paid_in_full,
    (SELECT count(*) FROM renewal WHERE status = 'failed' AND (payment_status <> 'failed' OR processor_successes > 0)) AS failed_but_charged,
    (SELECT count(*) FROM wallets w LEFT JOIN ledger l USING (business_id, mode, customer_id, currency) WHERE w.balance <> coalesce(l.total, 0)) AS wallets_off_ledger,
    -- the renewals' invoices (the seed's history has one per subscription before the run)
    (SELECT count(*) FROM invoices i JOIN subscription_charges c ON c.payment_id = i.payment_id WHERE c.kind = 'renewal') AS invoices;
