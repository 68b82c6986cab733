-- Seeds :n customers into business :'bus' (test mode) and 200,000 into :'other', set-based.
-- Customer g: name "<first> <last> g" from ten first and ten last names, e-mail user<g>@example.com,
-- created g seconds before now (so newest first is g ascending); every 20th has an active
-- subscription, every 100th (g % 100 = 1) an on-hold one, every 25th 500 cents in its USD wallet,
-- and every 10th a succeeded payment of 1,500 cents (for the optional columns).
\set ON_ERROR_STOP on
SET TIME ZONE 'UTC';
SET synchronous_commit = off;

INSERT INTO customers (id, business_id, mode, name, email, phone_number, created_at, updated_at)
SELECT 'cus_b' || lpad(g::text, 23, '0'), :'bus', 'test',
       (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Margaret','Linus','Ken','Radia'])[1 + g % 10] || ' ' ||
       (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Hamilton','Torvalds','Thompson','Perlman'])[1 + (g / 10) % 10] || ' ' || g,
       'user' || g || '@example.com',
       CASE WHEN g % 3 = 0 THEN '+1415' || lpad(g::text, 7, '0') END,
       now() - g * interval '1 second', now() - g * interval '1 second'
FROM generate_series(1, :n) g;

INSERT INTO customers (id, business_id, mode, name, email, created_at, updated_at)
SELECT 'cus_o' || lpad(g::text, 23, '0'), :'other', 'test', 'Other ' || g, 'user' || g || '@example.com',
       now() - g * interval '1 second', now()
FROM generate_series(1, 200000) g;

INSERT INTO products (id, business_id, mode, name, tax_category, price_type, currency, price_amount, discount, purchasing_power_parity,
    payment_frequency_count, payment_frequency_interval, subscription_period_count, subscription_period_interval, created_at, updated_at)
VALUES ('pdt_bench_monthly', :'bus', 'test', 'Bench Monthly', 'saas', 'recurring_price', 'USD', 1000, 0, false, 1, 'Month', 10, 'Year', now(), now());

INSERT INTO subscriptions (id, business_id, mode, customer_id, product_id, quantity, status, currency, unit_amount, recurring_pre_tax_amount,
    payment_frequency_count, payment_frequency_interval, subscription_period_count, subscription_period_interval, billing,
    billing_anchor, next_period, previous_billing_date, next_billing_date, on_hold_at, created_at, updated_at)
SELECT 'sub_b' || lpad(g::text, 23, '0'), :'bus', 'test', 'cus_b' || lpad(g::text, 23, '0'), 'pdt_bench_monthly', 1,
       CASE WHEN g % 100 = 1 THEN 'on_hold' ELSE 'active' END, 'USD', 1000, 1000, 1, 'Month', 10, 'Year', '{"country": "US"}'::jsonb,
       now(), 1, now(), now() + interval '1 month', CASE WHEN g % 100 = 1 THEN now() END, now(), now()
FROM generate_series(1, :n) g WHERE g % 20 = 0 OR g % 100 = 1;

INSERT INTO wallets (business_id, mode, customer_id, currency, balance, created_at, updated_at)
SELECT :'bus', 'test', 'cus_b' || lpad(g::text, 23, '0'), 'USD', 500, now(), now()
FROM generate_series(1, :n) g WHERE g % 25 = 0;

INSERT INTO payments (id, business_id, mode, customer_id, status, currency, total_amount, billing, created_at, updated_at)
SELECT 'pay_b' || lpad(g::text, 23, '0'), :'bus', 'test', 'cus_b' || lpad(g::text, 23, '0'), 'succeeded', 'USD', 1500,
       '{"country": "US"}'::jsonb, now() - g * interval '1 second', now()
FROM generate_series(1, :n) g WHERE g % 10 = 0;

VACUUM ANALYZE customers;
VACUUM ANALYZE subscriptions;
VACUUM ANALYZE wallets;
VACUUM ANALYZE payments;
