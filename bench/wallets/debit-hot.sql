-- pgbench: the statement WalletLedger.ApplyAsync runs for a debit (guarded UPDATE feeding the
-- ledger INSERT), 1 unit from one hot wallet. :biz and :hot come from run.sh (-D).
WITH w AS (
    UPDATE wallets SET balance = balance - 1, updated_at = now()
    WHERE business_id = ':biz' AND mode = 'test' AND customer_id = ':hot' AND currency = 'USD' AND balance >= 1
    RETURNING customer_id, currency, balance
),
e AS (
    INSERT INTO wallet_ledger_entries (id, business_id, mode, customer_id, currency, amount, is_credit, event_type, before_balance, after_balance, reason, reference_object_id, created_at)
    SELECT 'wlt_' || gen_random_uuid(), ':biz', 'test', w.customer_id, w.currency, 1, false, 'merchant_adjustment', w.balance + 1, w.balance, NULL, NULL, now()
    FROM w
    RETURNING id
)
SELECT count(*) FROM e;
