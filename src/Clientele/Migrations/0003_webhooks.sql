-- Webhooks: endpoints per (business, mode), an outbox of events written in the same transaction
-- as the change they describe, one delivery row per (event, endpoint), and a log of attempts.

CREATE TABLE webhook_endpoints (
    id                          text PRIMARY KEY,
    business_id                 text NOT NULL REFERENCES businesses (id),
    mode                        text NOT NULL CHECK (mode IN ('test', 'live')),
    url                         text NOT NULL,
    description                 text NOT NULL DEFAULT '',
    disabled                    boolean NOT NULL DEFAULT false,
    filter_types                text[] NOT NULL DEFAULT '{}',
    metadata                    jsonb NOT NULL DEFAULT '{}'::jsonb,
    rate_limit                  integer CHECK (rate_limit >= 0),
    -- Signing secrets and custom headers (which may carry credentials) are stored encrypted
    -- with ASP.NET Data Protection, never in plain text.
    secret_protected            text NOT NULL,
    previous_secret_protected   text,
    previous_secret_expires_at  timestamptz,
    headers_protected           text NOT NULL,
    idempotency_key             text,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL,
    deleted_at                  timestamptz
);

CREATE INDEX webhook_endpoints_listing ON webhook_endpoints (business_id, mode, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX webhook_endpoints_idempotency ON webhook_endpoints (business_id, mode, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE webhook_events (
    id          text PRIMARY KEY,
    business_id text NOT NULL REFERENCES businesses (id),
    mode        text NOT NULL CHECK (mode IN ('test', 'live')),
    type        text NOT NULL,
    -- The exact envelope sent: {business_id, type, timestamp, data: {..., payload_type}}.
    payload     text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE INDEX webhook_events_by_tenant ON webhook_events (business_id, mode, created_at DESC);

CREATE TABLE webhook_deliveries (
    id               text PRIMARY KEY,
    business_id      text NOT NULL,
    mode             text NOT NULL CHECK (mode IN ('test', 'live')),
    event_id         text NOT NULL REFERENCES webhook_events (id),
    endpoint_id      text NOT NULL REFERENCES webhook_endpoints (id),
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    -- A worker's claim: until then no other worker takes it. A worker that dies mid-delivery
    -- simply lets the claim lapse, and the delivery is tried again (at-least-once).
    locked_until     timestamptz,
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL,
    UNIQUE (event_id, endpoint_id)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);

CREATE TABLE webhook_delivery_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    business_id text NOT NULL,
    mode        text NOT NULL CHECK (mode IN ('test', 'live')),
    delivery_id text NOT NULL REFERENCES webhook_deliveries (id),
    attempt     integer NOT NULL,
    status_code integer,
    error       text,
    duration_ms integer NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE INDEX webhook_delivery_attempts_by_delivery ON webhook_delivery_attempts (delivery_id, attempt);
