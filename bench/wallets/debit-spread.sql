-- pgbench: the same debit statement, on a wallet picked at random among the spread customers
-- (bench_customers is loaded by run.sh from the ids the HTTP run created).
\set n random(1, :spread)
WITH c AS (
    SELECT customer_id FROM bench_customers WHERE n = :n
),
w AS (
    UPDATE wallets SET balance = balance - 1, updated_at = now()
    WHERE business_id = ':biz' AND mode = 'test' AND customer_id = (SELECT customer_id FROM c) AND currency = 'USD' AND balance >= 1
    RETURNING customer_id, currency, balance
),
e AS (
    INSERT INTO wallet_ledger_entries (id, business_id, mode, customer_id, currency, amount, is_credit, event_type, before_balance, after_balance, reason, reference_object_id, created_at)
    SELECT 'wlt_' || gen_random_uuid(), ':biz', 'test', w.customer_id, w.currency, 1, false, 'merchant_adjustment', w.balance + 1, w.balance, NULL, NULL, now()
    FROM w
    RETURNING id
)
SELECT count(*) FROM e;
