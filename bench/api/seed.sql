-- Seeds the API bench's business :'bus' (test mode) and :'other', set-based (as bench/customers/run.sh):
-- :n customers named "<first> <last> g" from ten first and ten last names, so "hopper" matches a tenth of
-- them, created g seconds before now; 200,000 more in :'other', so the tenant filter has work to do.
-- Customers 1 … :wallets + 1 get a USD wallet of 10^12 cents, each with the ledger credit that explains it
-- (so `Clientele wallets verify` holds): customer 1 is the hot wallet, 2 … :wallets + 1 the spread ones.
\set ON_ERROR_STOP on
SET TIME ZONE 'UTC';
SET synchronous_commit = off;

INSERT INTO customers (id, business_id, mode, name, email, created_at, updated_at)
SELECT 'cus_b' || lpad(g::text, 23, '0'), :'bus', 'test',
       (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Margaret','Linus','Ken','Radia'])[1 + g % 10] || ' ' ||
       (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Hamilton','Torvalds','Thompson','Perlman'])[1 + (g / 10) % 10] || ' ' || g,
       'user' || g || '@example.com',
       now() - g * interval '1 second', now() - g * interval '1 second'
FROM generate_series(1, :n) g;

INSERT INTO customers (id, business_id, mode, name, email, created_at, updated_at)
SELECT 'cus_o' || lpad(g::text, 23, '0'), :'other', 'test', 'Other ' || g, 'user' || g || '@example.com',
       now() - g * interval '1 second', now()
FROM generate_series(1, 200000) g;

INSERT INTO wallets (business_id, mode, customer_id, currency, balance, created_at, updated_at)
SELECT :'bus', 'test', 'cus_b' || lpad(g::text, 23, '0'), 'USD', 1000000000000, now(), now()
FROM generate_series(1, :wallets + 1) g;

INSERT INTO wallet_ledger_entries (id, business_id, mode, customer_id, currency, amount, is_credit, event_type, before_balance, after_balance, reason, created_at)
SELECT 'wlt_seed' || lpad(g::text, 20, '0'), :'bus', 'test', 'cus_b' || lpad(g::text, 23, '0'), 'USD', 1000000000000, true, 'merchant_adjustment', 0, 1000000000000,
       'Bench seed', now()
FROM generate_series(1, :wallets + 1) g;

VACUUM ANALYZE customers, wallets, wallet_ledger_entries;
