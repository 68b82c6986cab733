-- The dashboard's settings pages: portal branding (an uploaded logo, privacy and terms links), when a
-- customer's own cancellation takes effect, when an API key was last used, and webhook resends with
-- the receiver's answer kept for the delivery log.

ALTER TABLE businesses
    ADD COLUMN privacy_url text CHECK (privacy_url LIKE 'https://%'),
    ADD COLUMN terms_url   text CHECK (terms_url LIKE 'https://%');

-- One logo per business (the brand is the same in test and live). Served publicly at a URL that
-- carries its hash, so it can be cached for good and a new upload is a new URL.
CREATE TABLE business_logos (
    business_id  text PRIMARY KEY REFERENCES businesses (id),
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/svg+xml')),
    content      bytea NOT NULL CHECK (octet_length(content) BETWEEN 1 AND 524288),
    hash         text NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- A customer's cancellation in the portal: at the end of the period (as before) or at once.
ALTER TABLE subscription_settings
    ADD COLUMN portal_cancel_at text NOT NULL DEFAULT 'next_billing_date'
        CHECK (portal_cancel_at IN ('next_billing_date', 'immediately'));

-- last_used_at is written by API-key authentication at most once a minute per key (a guarded UPDATE);
-- creation_key is the dashboard form's idempotency key, so a double submit makes one key.
ALTER TABLE api_keys
    ADD COLUMN last_used_at timestamptz,
    ADD COLUMN creation_key text;
CREATE UNIQUE INDEX api_keys_creation_key ON api_keys (business_id, creation_key) WHERE creation_key IS NOT NULL;

-- A resend is a new delivery of the same event to the same endpoint: the original stays unique per
-- (event, endpoint), resends name what they repeat and carry the idempotency key of the click.
ALTER TABLE webhook_deliveries
    DROP CONSTRAINT webhook_deliveries_event_id_endpoint_id_key,
    ADD COLUMN resend_of  text,
    ADD COLUMN resend_key text;
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (event_id, endpoint_id) WHERE resend_of IS NULL;
CREATE UNIQUE INDEX webhook_deliveries_resend_key ON webhook_deliveries (business_id, mode, resend_key) WHERE resend_key IS NOT NULL;
-- The delivery log: an endpoint's deliveries newest first, a page at a time.
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, seq DESC);

-- The start of the receiver's answer (at most 500 characters), shown in the delivery log.
ALTER TABLE webhook_delivery_attempts ADD COLUMN response_excerpt text;
