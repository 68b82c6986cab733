-- Seeds the portal bench's business :'bus' (test mode) around two customers the API created:
-- :'light' (5 subscriptions) and :'heavy' (40), plus :others background customers with one
-- subscription each, so every index holds more than the two. Set-based, like bench/subscriptions/seed.sql.
-- The two customers' subscriptions fall due an hour ago; run.sh then renews them with the product's own
-- `subscriptions renew`, which makes their payments, invoices and (one declining card) an on-hold.
\set ON_ERROR_STOP on
SET TIME ZONE 'UTC';

INSERT INTO products (id, business_id, mode, name, tax_category, price_type, currency, price_amount, discount, purchasing_power_parity,
    payment_frequency_count, payment_frequency_interval, subscription_period_count, subscription_period_interval, created_at, updated_at)
VALUES ('pdt_portal_basic', :'bus', 'test', 'Basic plan', 'saas', 'recurring_price', 'USD', 1000, 0, false, 1, 'Month', 10, 'Year', now(), now()),
       ('pdt_portal_pro', :'bus', 'test', 'Pro plan', 'saas', 'recurring_price', 'USD', 2900, 0, false, 1, 'Month', 10, 'Year', now(), now()),
       ('pdt_portal_team', :'bus', 'test', 'Team seats', 'saas', 'recurring_price', 'USD', 4900, 0, false, 1, 'Month', 10, 'Year', now(), now());

-- Cards at the test processor and the saved payment methods backed by them.
CREATE TEMP TABLE cards AS
SELECT * FROM (VALUES
    ('tok_portal_light_ok', 'pm_portal_light_ok', :'light', 'succeed', '4242'),
    ('tok_portal_light_no', 'pm_portal_light_no', :'light', 'card_declined', '0002'),
    ('tok_portal_heavy_ok', 'pm_portal_heavy_ok', :'heavy', 'succeed', '4242')) AS c(token, method_id, customer_id, behaviour, last4);

INSERT INTO test_processor_cards (token, business_id, mode, behaviour, network, last4, expiry_month, expiry_year, fingerprint, created_at)
SELECT token, :'bus', 'test', behaviour, 'VISA', last4, 12, 2039, md5(token), now() - interval '2 months' FROM cards;

INSERT INTO payment_methods (id, business_id, mode, customer_id, processor_token, card_network, card_type, last4, expiry_month, expiry_year, fingerprint, created_at)
SELECT method_id, :'bus', 'test', customer_id, token, 'VISA', 'credit', last4, 12, 2039, md5(token), now() - interval '2 months' FROM cards;

-- light: 4 subscriptions on the good card, 1 on the declining one (it goes on hold at renewal); heavy: 40.
CREATE TEMP TABLE subs AS
SELECT 'sub_portal_light_' || g AS id, :'light'::text AS customer_id,
       (ARRAY['pdt_portal_basic', 'pdt_portal_pro', 'pdt_portal_team'])[1 + g % 3] AS product_id,
       (ARRAY[1000, 2900, 4900])[1 + g % 3] AS amount,
       CASE WHEN g = 5 THEN 'pm_portal_light_no' ELSE 'pm_portal_light_ok' END AS method_id,
       date_trunc('second', now()) - interval '1 month' - interval '1 hour' - g * interval '1 minute' AS anchor
FROM generate_series(1, 5) g
UNION ALL
SELECT 'sub_portal_heavy_' || g, :'heavy', (ARRAY['pdt_portal_basic', 'pdt_portal_pro', 'pdt_portal_team'])[1 + g % 3],
       (ARRAY[1000, 2900, 4900])[1 + g % 3], 'pm_portal_heavy_ok',
       date_trunc('second', now()) - interval '1 month' - interval '1 hour' - g * interval '1 minute'
FROM generate_series(1, 40) g;

INSERT INTO subscriptions (id, business_id, mode, customer_id, product_id, quantity, status, currency, unit_amount, recurring_pre_tax_amount,
    payment_frequency_count, payment_frequency_interval, subscription_period_count, subscription_period_interval, billing, payment_method_id,
    billing_anchor, next_period, previous_billing_date, next_billing_date, expires_at, created_at, updated_at)
SELECT id, :'bus', 'test', customer_id, product_id, 1, 'active', 'USD', amount, amount,
       1, 'Month', 10, 'Year', '{"country": "US"}'::jsonb, method_id,
       anchor, 1, anchor, anchor + interval '1 month', anchor + interval '10 years', anchor, anchor
FROM subs;

-- Background: :others customers, each with a card and one subscription renewing in the future.
CREATE TEMP TABLE others AS
SELECT g,
       'cus_portal' || lpad(g::text, 8, '0') AS customer_id,
       'tok_portal' || lpad(g::text, 8, '0') AS token,
       'pm_portal' || lpad(g::text, 8, '0') AS method_id,
       'sub_portal' || lpad(g::text, 8, '0') AS subscription_id,
       date_trunc('second', now()) - interval '10 days' - (g % 86400) * interval '1 second' AS anchor
FROM generate_series(1, :others) g;

INSERT INTO customers (id, business_id, mode, name, email, created_at, updated_at)
SELECT customer_id, :'bus', 'test', 'Customer ' || g, 'customer' || g || '@example.com', anchor, anchor FROM others;

INSERT INTO test_processor_cards (token, business_id, mode, behaviour, network, last4, expiry_month, expiry_year, fingerprint, created_at)
SELECT token, :'bus', 'test', 'succeed', 'VISA', '4242', 12, 2039, md5(token), anchor FROM others;

INSERT INTO payment_methods (id, business_id, mode, customer_id, processor_token, card_network, card_type, last4, expiry_month, expiry_year, fingerprint, created_at)
SELECT method_id, :'bus', 'test', customer_id, token, 'VISA', 'credit', '4242', 12, 2039, md5(token), anchor FROM others;

INSERT INTO subscriptions (id, business_id, mode, customer_id, product_id, quantity, status, currency, unit_amount, recurring_pre_tax_amount,
    payment_frequency_count, payment_frequency_interval, subscription_period_count, subscription_period_interval, billing, payment_method_id,
    billing_anchor, next_period, previous_billing_date, next_billing_date, expires_at, created_at, updated_at)
SELECT subscription_id, :'bus', 'test', customer_id, 'pdt_portal_basic', 1, 'active', 'USD', 1000, 1000,
       1, 'Month', 10, 'Year', '{"country": "US"}'::jsonb, method_id,
       anchor, 1, anchor, anchor + interval '1 month', anchor + interval '10 years', anchor, anchor
FROM others;

ANALYZE products, customers, test_processor_cards, payment_methods, subscriptions;
