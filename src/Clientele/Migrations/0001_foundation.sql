-- Foundation: businesses, their API keys, and customers.
-- Every tenant table carries business_id and mode; every query filters by both.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE businesses (
    id                 text PRIMARY KEY,
    name               text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    logo_url           text,
    accent_color       text CHECK (accent_color ~ '^#[0-9a-fA-F]{6}$'),
    support_email      text,
    default_currencies text[] NOT NULL DEFAULT ARRAY['USD', 'INR'],
    is_demo            boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL
);

-- At most one demo business, so seeding twice cannot make a second one.
CREATE UNIQUE INDEX businesses_one_demo ON businesses (is_demo) WHERE is_demo;

CREATE TABLE api_keys (
    id           text PRIMARY KEY,
    business_id  text NOT NULL REFERENCES businesses (id),
    mode         text NOT NULL CHECK (mode IN ('test', 'live')),
    name         text NOT NULL DEFAULT '',
    -- SHA-256 of the whole key. Keys carry 256 random bits, so a fast hash is enough;
    -- the key itself is shown once and never stored.
    key_hash     bytea NOT NULL UNIQUE,
    -- The first characters, e.g. "ck_test_Ab12", so a person can tell keys apart.
    display_hint text NOT NULL,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);

CREATE INDEX api_keys_by_business ON api_keys (business_id, mode, created_at DESC);

CREATE TABLE customers (
    id           text PRIMARY KEY,
    business_id  text NOT NULL REFERENCES businesses (id),
    mode         text NOT NULL CHECK (mode IN ('test', 'live')),
    name         text NOT NULL,
    email        text NOT NULL,
    phone_number text,
    metadata     jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- One customer per e-mail per business and mode, case-insensitively; also serves the e-mail filter.
CREATE UNIQUE INDEX customers_email_unique ON customers (business_id, mode, lower(email));
-- Newest-first listing with a stable tiebreak.
CREATE INDEX customers_listing ON customers (business_id, mode, created_at DESC, id DESC);
-- Partial, case-insensitive name search.
CREATE INDEX customers_name_trgm ON customers USING gin (business_id, mode, lower(name) gin_trgm_ops);
-- The unified portal finds every business where an e-mail is a customer.
CREATE INDEX customers_by_email ON customers (lower(email), mode);
