-- Customer portal, part 1: e-mail outbox, data-protection keys, rate-limit counters,
-- portal links and sessions (per business and mode), and the unified (cross-business) portal.

-- ASP.NET Data Protection key ring, shared by every server process (global: not tenant data).
CREATE TABLE data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml           text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Fixed-window counters for rate limits on public endpoints (global: keys name their scope).
CREATE TABLE rate_limit_counters (
    key          text NOT NULL,
    window_start timestamptz NOT NULL,
    count        integer NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (key, window_start)
);

CREATE INDEX rate_limit_counters_expiry ON rate_limit_counters (expires_at);

-- Outgoing e-mail. Written in the caller's transaction (or alone), sent by a background dispatcher.
-- The body is encrypted with Data Protection (it can hold login links) and erased after delivery.
CREATE TABLE email_outbox (
    id              text PRIMARY KEY,
    -- NULL for platform mail that belongs to no single business (the unified portal's login link).
    business_id     text REFERENCES businesses (id),
    mode            text NOT NULL CHECK (mode IN ('test', 'live')),
    kind            text NOT NULL,
    recipient       text NOT NULL,
    from_name       text,
    culture         text NOT NULL,
    subject         text NOT NULL,
    protected_body  bytea,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    transport       text,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    body_purge_at   timestamptz
);

CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX email_outbox_purge ON email_outbox (body_purge_at) WHERE protected_body IS NOT NULL;
CREATE INDEX email_outbox_recent ON email_outbox (created_at DESC);

-- The language a customer last used in the portal, so mail sent on the merchant's behalf
-- (a dynamic link with send_email) speaks it too.
ALTER TABLE customers ADD COLUMN portal_culture text;

-- Single-use links into one business's portal (login) or to confirm a new e-mail address.
-- Only the SHA-256 of the 256-bit token is stored.
CREATE TABLE portal_links (
    token_hash  bytea PRIMARY KEY,
    business_id text NOT NULL REFERENCES businesses (id),
    mode        text NOT NULL CHECK (mode IN ('test', 'live')),
    customer_id text NOT NULL REFERENCES customers (id),
    purpose     text NOT NULL CHECK (purpose IN ('login', 'email_change')),
    origin      text NOT NULL CHECK (origin IN ('static', 'dynamic', 'email_change')),
    new_email   text,
    return_url  text,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CHECK ((purpose = 'email_change') = (new_email IS NOT NULL))
);

CREATE INDEX portal_links_expiry ON portal_links (expires_at);

-- Server-side portal sessions: the cookie holds a random token, the row holds its hash.
CREATE TABLE portal_sessions (
    token_hash         bytea PRIMARY KEY,
    id                 text NOT NULL UNIQUE,
    business_id        text NOT NULL REFERENCES businesses (id),
    mode               text NOT NULL CHECK (mode IN ('test', 'live')),
    customer_id        text NOT NULL REFERENCES customers (id),
    return_url         text,
    -- Set when the session was opened from the unified portal, to offer the way back.
    unified_session_id text,
    created_at         timestamptz NOT NULL,
    last_seen_at       timestamptz NOT NULL,
    expires_at         timestamptz NOT NULL,
    revoked_at         timestamptz
);

CREATE INDEX portal_sessions_expiry ON portal_sessions (expires_at);
CREATE INDEX portal_sessions_by_customer ON portal_sessions (business_id, mode, customer_id);

-- The unified portal is keyed by an e-mail address across businesses (live mode only),
-- so its links and sessions are not tenant rows.
CREATE TABLE unified_links (
    token_hash bytea PRIMARY KEY,
    email      text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE INDEX unified_links_expiry ON unified_links (expires_at);

CREATE TABLE unified_sessions (
    token_hash   bytea PRIMARY KEY,
    id           text NOT NULL UNIQUE,
    email        text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);

CREATE INDEX unified_sessions_expiry ON unified_sessions (expires_at);
