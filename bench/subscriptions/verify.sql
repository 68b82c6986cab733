-- After a run: one row of checks (psql -tA -F ' '). :'started' is when the run began.
\set ON_ERROR_STOP on
WITH renewal AS (
    SELECT c.*, p.status AS payment_status FROM subscription_charges c JOIN payments p ON p.id = c.payment_id WHERE c.kind = 'renewal'
), expected AS (
    -- On hold exactly when the card declines and the wallet did not cover the whole 1,000.
    SELECT count(*) FILTER (WHERE t.behaviour = 'card_declined' AND coalesce(w.balance_at_seed, 0) < 1000) AS on_hold
    FROM subscriptions s
    JOIN payment_methods m ON m.id = s.payment_method_id
    JOIN test_processor_cards t ON t.token = m.processor_token
    LEFT JOIN (SELECT customer_id, after_balance AS balance_at_seed FROM wallet_ledger_entries WHERE reason = 'bench seed') w ON w.customer_id = s.customer_id
)
SELECT
    (SELECT count(*) FROM subscriptions) AS subscriptions,
    (SELECT count(*) FROM renewal) AS renewal_charges,
    -- a period charged twice: more than one renewal charge per (subscription, period_start)
    (SELECT count(*) FROM (SELECT 1 FROM renewal GROUP BY subscription_id, period_start HAVING count(*) > 1) x) AS periods_charged_twice,
    -- each subscription was due exactly once, so more than one renewal charge of any period is a double charge too
    (SELECT count(*) FROM (SELECT 1 FROM renewal GROUP BY subscription_id HAVING count(*) > 1) x) AS subscriptions_charged_twice,
    -- the processor's own books: one charge per idempotency key, at most one success per subscription
    (SELECT count(*) FROM (SELECT 1 FROM test_processor_charges GROUP BY business_id, mode, idempotency_key HAVING count(*) > 1) x) AS processor_keys_twice,
    (SELECT count(*) FROM (SELECT 1 FROM test_processor_charges WHERE status = 'succeeded'
        GROUP BY split_part(idempotency_key, ':', 2) HAVING count(*) > 1) x) AS processor_successes_twice,
    (SELECT count(*) FROM renewal WHERE status = 'succeeded') AS renewed,
    (SELECT count(*) FROM renewal WHERE status = 'failed') AS failed,
    (SELECT count(*) FROM subscription_charges WHERE status = 'processing') AS processing,
    (SELECT count(*) FROM subscriptions WHERE charge_in_flight IS NOT NULL) AS in_flight,
    (SELECT count(*) FROM subscriptions WHERE status = 'active' AND next_billing_date <= :'started'::timestamptz) AS still_due,
    (SELECT count(*) FROM subscriptions WHERE status = 'active' AND next_billing_date > now()) AS active_ahead,
    (SELECT count(*) FROM subscriptions WHERE status = 'on_hold') AS on_hold,
    (SELECT on_hold FROM expected) AS expected_on_hold,
    -- money: every succeeded renewal is paid in full by wallet + processor; failed ones took nothing
    (SELECT count(*) FROM renewal r WHERE r.status = 'succeeded' AND r.payment_status = 'succeeded'
        AND r.wallet_amount + coalesce((SELECT t.amount FROM test_processor_charges t WHERE t.idempotency_key = r.idempotency_key AND t.status = 'succeeded'), 0) = r.amount) AS paid_in_full,
    (SELECT count(*) FROM renewal r WHERE r.status = 'failed' AND (r.payment_status <> 'failed'
        OR EXISTS (SELECT 1 FROM test_processor_charges t WHERE t.idempotency_key = r.idempotency_key AND t.status = 'succeeded'))) AS failed_but_charged,
    (SELECT count(*) FROM wallets w WHERE w.balance <> (SELECT coalesce(sum(CASE WHEN e.is_credit THEN e.amount ELSE -e.amount END), 0)
        FROM wallet_ledger_entries e WHERE (e.business_id, e.mode, e.customer_id, e.currency) = (w.business_id, w.mode, w.customer_id, w.currency))) AS wallets_off_ledger,
    (SELECT count(*) FROM invoices) AS invoices;
