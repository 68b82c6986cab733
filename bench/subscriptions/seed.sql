-- Seeds :n due subscriptions into business :'bus' (test mode), all in set-based statements.
-- Customer g (1..n) has a test-processor card that declines when g % 100 < :decline, else succeeds;
-- every 10th customer has 300 cents in its USD wallet (part of the 1,000 renewal) and customers
-- with g % 50 = 1 have 5,000 (the whole renewal; their card is never asked). Each subscription is
-- monthly at 1,000 cents, its period 1 due between 1 hour and 25 hours ago.
\set ON_ERROR_STOP on
SET TIME ZONE 'UTC';
SET synchronous_commit = off;

INSERT INTO products (id, business_id, mode, name, tax_category, price_type, currency, price_amount, discount, purchasing_power_parity,
    payment_frequency_count, payment_frequency_interval, subscription_period_count, subscription_period_interval, created_at, updated_at)
VALUES ('pdt_bench_monthly', :'bus', 'test', 'Bench Monthly', 'saas', 'recurring_price', 'USD', 1000, 0, false, 1, 'Month', 10, 'Year', now(), now());

CREATE TEMP TABLE seed AS
SELECT g,
       'cus_bench' || lpad(g::text, 9, '0') AS customer_id,
       'tok_bench' || lpad(g::text, 9, '0') AS token,
       'pm_bench' || lpad(g::text, 9, '0') AS method_id,
       'sub_bench' || lpad(g::text, 9, '0') AS subscription_id,
       g % 100 < :decline AS declines,
       CASE WHEN g % 50 = 1 THEN 5000 WHEN g % 10 = 0 THEN 300 ELSE 0 END AS wallet,
       date_trunc('second', now()) - interval '1 month' - interval '1 hour' - (g % 86400) * interval '1 second' AS anchor
FROM generate_series(1, :n) g;

INSERT INTO customers (id, business_id, mode, name, email, created_at, updated_at)
SELECT customer_id, :'bus', 'test', 'Subscriber ' || g, 'subscriber' || g || '@example.com', anchor, anchor FROM seed;

INSERT INTO test_processor_cards (token, business_id, mode, behaviour, network, last4, expiry_month, expiry_year, fingerprint, created_at)
SELECT token, :'bus', 'test', CASE WHEN declines THEN 'card_declined' ELSE 'succeed' END, 'VISA',
       CASE WHEN declines THEN '0002' ELSE '4242' END, 12, 2039, md5(token), anchor
FROM seed;

-- Statistics before the rows that reference these: planned against a never-analysed table, the foreign-key
-- checks of the next inserts scan it once per row (100,000 payment methods took minutes instead of seconds).
ANALYZE customers, test_processor_cards;

INSERT INTO payment_methods (id, business_id, mode, customer_id, processor_token, card_network, card_type, last4, expiry_month, expiry_year, fingerprint, created_at)
SELECT method_id, :'bus', 'test', customer_id, token, 'VISA', 'credit', CASE WHEN declines THEN '0002' ELSE '4242' END, 12, 2039, md5(token), anchor
FROM seed;

INSERT INTO wallets (business_id, mode, customer_id, currency, balance, created_at, updated_at)
SELECT :'bus', 'test', customer_id, 'USD', wallet, anchor, anchor FROM seed WHERE wallet > 0;

INSERT INTO wallet_ledger_entries (id, business_id, mode, customer_id, currency, amount, is_credit, event_type, before_balance, after_balance, reason, created_at)
SELECT 'wle_bench' || lpad(g::text, 9, '0'), :'bus', 'test', customer_id, 'USD', wallet, true, 'merchant_adjustment', 0, wallet, 'bench seed', anchor
FROM seed WHERE wallet > 0;

INSERT INTO subscriptions (id, business_id, mode, customer_id, product_id, quantity, status, currency, unit_amount, recurring_pre_tax_amount,
    payment_frequency_count, payment_frequency_interval, subscription_period_count, subscription_period_interval, billing, payment_method_id,
    billing_anchor, next_period, previous_billing_date, next_billing_date, expires_at, created_at, updated_at)
SELECT subscription_id, :'bus', 'test', customer_id, 'pdt_bench_monthly', 1, 'active', 'USD', 1000, 1000,
       1, 'Month', 10, 'Year', '{"country": "US"}'::jsonb, method_id,
       anchor, 1, anchor, anchor + interval '1 month', anchor + interval '10 years', anchor, anchor
FROM seed;

-- Each subscriber's history: the period before the one now due was paid at sign-up (an `initial` charge, its
-- payment, line and invoice, numbered 1..n). A business with n due subscriptions has such rows, and so statistics
-- on them: against empty, never-analysed tables the renewal's statements are planned as if the business had one
-- payment, cached so by the prepared statements, and each batch then scans every row the run has written so far
-- (seen in the plans: 20,000 renewals ran at ~280/s in runs where autovacuum had not analysed them in time, ~500/s
-- where it had). Statistics first, as above (the history's foreign-key checks).
ANALYZE payment_methods, wallets, wallet_ledger_entries, subscriptions;

INSERT INTO payments (id, business_id, mode, customer_id, subscription_id, status, currency, total_amount, tax, refunded_amount, billing, metadata,
    payment_method_id, card_network, card_type, card_last_four, processor_charge_id, retry_attempt, is_update_payment_method,
    digital_products_delivered, created_at, updated_at)
SELECT 'pay_bench' || lpad(g::text, 9, '0'), :'bus', 'test', customer_id, subscription_id, 'succeeded', 'USD', 1000, 0, 0, '{"country": "US"}'::jsonb, '{}'::jsonb,
       method_id, 'VISA', 'credit', CASE WHEN declines THEN '0002' ELSE '4242' END, 'ch_bench' || lpad(g::text, 9, '0'), 0, false,
       false, anchor - interval '1 month', anchor - interval '1 month'
FROM seed;

ANALYZE payments;

INSERT INTO payment_line_items (payment_id, product_id, business_id, mode, position, name, quantity, unit_amount, discount_amount, amount, tax, refunded_amount)
SELECT 'pay_bench' || lpad(g::text, 9, '0'), 'pdt_bench_monthly', :'bus', 'test', 0, 'Bench Monthly', 1, 1000, 0, 1000, 0, 0 FROM seed;

INSERT INTO subscription_charges (id, business_id, mode, subscription_id, payment_id, kind, idempotency_key, payment_method_id, amount, wallet_amount,
    status, is_due, claimed_until, created_at, finished_at)
SELECT 'sbc_bench' || lpad(g::text, 9, '0'), :'bus', 'test', subscription_id, 'pay_bench' || lpad(g::text, 9, '0'), 'initial',
       'sub:' || subscription_id || ':initial:sbc_bench' || lpad(g::text, 9, '0'), method_id, 1000, 0,
       'succeeded', false, anchor - interval '1 month', anchor - interval '1 month', anchor - interval '1 month'
FROM seed;

INSERT INTO invoices (id, business_id, mode, payment_id, sequence, number, seller, buyer, currency, subtotal, tax, total, issued_at)
SELECT 'inv_bench' || lpad(g::text, 9, '0'), :'bus', 'test', 'pay_bench' || lpad(g::text, 9, '0'), g, 'TEST-INV-' || lpad(g::text, 6, '0'),
       jsonb_build_object('name', 'Renewal Bench', 'support_email', NULL),
       jsonb_build_object('name', 'Subscriber ' || g, 'email', 'subscriber' || g || '@example.com', 'tax_id', NULL, 'billing', '{"country": "US"}'::jsonb),
       'USD', 1000, 0, 1000, anchor - interval '1 month'
FROM seed;

INSERT INTO document_counters (business_id, mode, kind, last_number) VALUES (:'bus', 'test', 'invoice', :n);

-- The test processor's own record of those sign-up charges (a processor's books are not empty either).
INSERT INTO test_processor_charges (id, business_id, mode, idempotency_key, token, amount, currency, status, created_at)
SELECT 'ch_bench' || lpad(g::text, 9, '0'), :'bus', 'test', 'sub:' || subscription_id || ':initial:sbc_bench' || lpad(g::text, 9, '0'), token,
       1000, 'USD', 'succeeded', anchor - interval '1 month'
FROM seed;

SET client_min_messages = error; -- (the shared catalogues are the superuser's to analyse; only ours matter)
ANALYZE;
