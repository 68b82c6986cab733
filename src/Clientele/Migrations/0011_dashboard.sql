-- Merchant dashboard, part 1: people (by e-mail), their memberships in businesses with a role,
-- sign-in links, server-side sessions, and optional TOTP two-factor with recovery codes.
-- None of these tables holds a tenant's data per mode: a person and a membership span both modes
-- of a business, and a session carries the mode the person is looking at.

CREATE TABLE dashboard_users (
    id              text PRIMARY KEY,
    -- Normalised (trimmed, lower case) so one person is one row however the address was typed.
    email           text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    -- The TOTP secret, AES-256-GCM under a key derived from the server's key-encryption key (never plain).
    totp_secret     bytea,
    totp_enabled_at timestamptz,
    -- The last 30-second step a code was accepted for: a code is never accepted twice.
    totp_last_step  bigint,
    created_at      timestamptz NOT NULL,
    CHECK (totp_enabled_at IS NULL OR totp_secret IS NOT NULL)
);

CREATE UNIQUE INDEX dashboard_users_email ON dashboard_users (email);

CREATE TABLE dashboard_memberships (
    business_id text NOT NULL REFERENCES businesses (id),
    user_id     text NOT NULL REFERENCES dashboard_users (id),
    role        text NOT NULL CHECK (role IN ('owner', 'admin', 'support', 'viewer')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (business_id, user_id)
);

-- "Which businesses is this person in" (sign-in, the switcher).
CREATE INDEX dashboard_memberships_user ON dashboard_memberships (user_id, business_id);

-- Single-use sign-in links; only the SHA-256 of the 256-bit token is stored.
CREATE TABLE dashboard_links (
    token_hash bytea PRIMARY KEY,
    user_id    text NOT NULL REFERENCES dashboard_users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE INDEX dashboard_links_user ON dashboard_links (user_id);
CREATE INDEX dashboard_links_expiry ON dashboard_links (expires_at);

-- Server-side sessions; the cookie holds the token, the row only its SHA-256. A session signed in
-- by link whose person has two-factor on stays awaiting_second_factor (and useless) until a code.
CREATE TABLE dashboard_sessions (
    token_hash             bytea PRIMARY KEY,
    id                     text NOT NULL UNIQUE,
    user_id                text NOT NULL REFERENCES dashboard_users (id) ON DELETE CASCADE,
    business_id            text REFERENCES businesses (id),
    mode                   text NOT NULL DEFAULT 'test' CHECK (mode IN ('test', 'live')),
    awaiting_second_factor boolean NOT NULL,
    created_at             timestamptz NOT NULL,
    last_seen_at           timestamptz NOT NULL,
    expires_at             timestamptz NOT NULL,
    revoked_at             timestamptz
);

CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expires_at);

-- Recovery codes: shown once, stored as SHA-256 (80 random bits each), each usable once.
CREATE TABLE dashboard_recovery_codes (
    user_id    text NOT NULL REFERENCES dashboard_users (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL,
    created_at timestamptz NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);
