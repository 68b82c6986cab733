-- The merchant dashboard's Customers page: the indexes its list needs beyond the API's (0001),
-- per-user column preferences and saved views, and CSV reports built by a background job.
--
-- Dashboard users live in the accounts migration of the dashboard's sign-in; user_id here is that
-- user's id as text, deliberately without a foreign key for now (the two land separately; add the
-- key once both are merged). Preferences and views are per tenant (business and mode), like every
-- tenant row, so test mode and live mode remember their own.

-- Sort by name (case-insensitive, stable on id); scanned backwards for descending.
CREATE INDEX customers_by_name ON customers (business_id, mode, lower(name), id);
-- "Has an active / on-hold subscription": the semi-join reads customer ids from the index alone.
CREATE INDEX subscriptions_customers_by_status ON subscriptions (business_id, mode, status, customer_id);
-- "Has a wallet balance": only the wallets holding money.
CREATE INDEX wallets_with_balance ON wallets (business_id, mode, customer_id) WHERE balance > 0;

CREATE TABLE customer_column_preferences (
    business_id text NOT NULL REFERENCES businesses (id),
    mode        text NOT NULL CHECK (mode IN ('test', 'live')),
    user_id     text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 100),
    -- the visible columns, in order (keys of CustomerColumn)
    columns     text[] NOT NULL CHECK (cardinality(columns) BETWEEN 1 AND 20),
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (business_id, mode, user_id)
);

CREATE TABLE customer_saved_views (
    id          text PRIMARY KEY,
    business_id text NOT NULL REFERENCES businesses (id),
    mode        text NOT NULL CHECK (mode IN ('test', 'live')),
    user_id     text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 100),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    -- the canonical query string of a valid CustomerListQuery, without the leading '?'
    query       text NOT NULL CHECK (length(query) <= 2000),
    created_at  timestamptz NOT NULL
);

CREATE UNIQUE INDEX customer_saved_views_name ON customer_saved_views (business_id, mode, user_id, lower(name));

CREATE TABLE customer_reports (
    id               text PRIMARY KEY,
    business_id      text NOT NULL REFERENCES businesses (id),
    mode             text NOT NULL CHECK (mode IN ('test', 'live')),
    requested_by     text NOT NULL CHECK (length(requested_by) BETWEEN 1 AND 100),
    -- from the form, so a double click makes one report
    idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    query            text NOT NULL,
    columns          text[] NOT NULL,
    notify_email     text,
    status           text NOT NULL CHECK (status IN ('queued', 'running', 'ready', 'failed')),
    rows_done        bigint NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
    -- the bounded count at request time (the same bound as the list's total), for the progress bar
    rows_total       bigint NOT NULL CHECK (rows_total >= 0),
    rows_total_exact boolean NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    -- the worker that owns a running report, until lease_until; another takes over after that
    lease_token      uuid,
    lease_until      timestamptz,
    -- the keyset position after the last row written, so a taken-over report resumes there
    after_name       text,
    after_created_at timestamptz,
    after_id         text,
    chunks           integer NOT NULL DEFAULT 0,
    bytes            bigint NOT NULL DEFAULT 0,
    error            text,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz,
    expires_at       timestamptz NOT NULL,
    CONSTRAINT customer_reports_tenant_key UNIQUE (id, business_id, mode)
);

CREATE UNIQUE INDEX customer_reports_idempotency ON customer_reports (business_id, mode, requested_by, idempotency_key);
CREATE INDEX customer_reports_listing ON customer_reports (business_id, mode, created_at DESC, id DESC);
CREATE INDEX customer_reports_due ON customer_reports (created_at) WHERE status IN ('queued', 'running');
CREATE INDEX customer_reports_expiry ON customer_reports (expires_at);

-- The CSV file, in order: one chunk per batch of rows, written in the batch's transaction.
CREATE TABLE customer_report_chunks (
    report_id   text NOT NULL,
    seq         integer NOT NULL CHECK (seq >= 0),
    business_id text NOT NULL,
    mode        text NOT NULL CHECK (mode IN ('test', 'live')),
    data        bytea NOT NULL,
    PRIMARY KEY (report_id, seq),
    FOREIGN KEY (report_id, business_id, mode) REFERENCES customer_reports (id, business_id, mode) ON DELETE CASCADE
);

-- CSV compresses well; lz4 costs far less time than the default pglz for a million-row report.
ALTER TABLE customer_report_chunks ALTER COLUMN data SET COMPRESSION lz4;
