-- License keys (issued per purchased unit, or imported by the merchant) and their activations.
-- Every row carries business_id and mode; the public /licenses/* endpoints find a key by the
-- SHA-256 of its canonical text, which is unique across all businesses and modes.

CREATE TABLE license_keys (
    id                     text PRIMARY KEY,
    business_id            text NOT NULL REFERENCES businesses (id),
    mode                   text NOT NULL CHECK (mode IN ('test', 'live')),
    customer_id            text NOT NULL REFERENCES customers (id),
    product_id             text NOT NULL REFERENCES products (id),
    -- The payment that issued an automatic key, and the purchased unit it stands for (0-based).
    payment_id             text REFERENCES payments (id),
    unit_index             integer CHECK (unit_index >= 0),
    -- Set by the subscriptions engine; its foreign key to subscriptions is added by 0008.
    subscription_id        text,
    -- The key as issued or imported (the reference's API returns it), and the SHA-256 of its
    -- canonical form (trimmed, upper case) that the public endpoints look it up by.
    key                    text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    key_hash               bytea NOT NULL CHECK (length(key_hash) = 32),
    source                 text NOT NULL CHECK (source IN ('auto', 'import', 'manual')),
    activations_limit      integer CHECK (activations_limit >= 0),
    -- Kept equal to the number of license_key_instances rows by the statements that add and remove
    -- them; raised only by a guarded update, so it never passes the limit.
    instances_count        integer NOT NULL DEFAULT 0 CHECK (instances_count >= 0),
    -- Why a key is disabled, kept apart: the system lifts only its own reasons, never the merchant's.
    disabled_by_merchant   boolean NOT NULL DEFAULT false,
    subscription_suspended boolean NOT NULL DEFAULT false,
    payment_refunded       boolean NOT NULL DEFAULT false,
    disabled               boolean GENERATED ALWAYS AS (disabled_by_merchant OR subscription_suspended OR payment_refunded) STORED,
    expires_at             timestamptz,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    CHECK (activations_limit IS NULL OR instances_count <= activations_limit),
    -- Automatic keys come from a payment unit; imported and manual keys from neither.
    CHECK ((source = 'auto') = (payment_id IS NOT NULL)),
    CHECK ((payment_id IS NULL) = (unit_index IS NULL)),
    CHECK (source = 'auto' OR subscription_id IS NULL)
);

-- One key text in the whole system, so a key alone names its business and mode.
CREATE UNIQUE INDEX license_keys_by_hash ON license_keys (key_hash);
-- Issuing twice makes no extra keys: one per (payment, product, unit), and for a subscription one
-- per (subscription, product, unit), so renewals of the same quantity issue nothing new.
CREATE UNIQUE INDEX license_keys_one_per_payment_unit ON license_keys (payment_id, product_id, unit_index) WHERE payment_id IS NOT NULL;
CREATE UNIQUE INDEX license_keys_one_per_subscription_unit ON license_keys (subscription_id, product_id, unit_index) WHERE subscription_id IS NOT NULL;

-- GET /license_keys: newest first, with each filter served by an index.
CREATE INDEX license_keys_listing ON license_keys (business_id, mode, created_at DESC, id DESC);
CREATE INDEX license_keys_by_customer ON license_keys (business_id, mode, customer_id, created_at DESC, id DESC);
CREATE INDEX license_keys_by_product ON license_keys (business_id, mode, product_id, created_at DESC, id DESC);
CREATE INDEX license_keys_by_source ON license_keys (business_id, mode, source, created_at DESC, id DESC);
-- status: disabled keys, and keys with an expiry (expired ones are those past it).
CREATE INDEX license_keys_disabled ON license_keys (business_id, mode, created_at DESC, id DESC) WHERE disabled;
CREATE INDEX license_keys_expiring ON license_keys (business_id, mode, expires_at) WHERE expires_at IS NOT NULL;
-- The subscriptions engine's lifecycle hooks.
CREATE INDEX license_keys_by_subscription ON license_keys (business_id, mode, subscription_id) WHERE subscription_id IS NOT NULL;

-- One row per activation; deactivation deletes it (and lowers instances_count in the same statement).
CREATE TABLE license_key_instances (
    id             text PRIMARY KEY,
    business_id    text NOT NULL REFERENCES businesses (id),
    mode           text NOT NULL CHECK (mode IN ('test', 'live')),
    license_key_id text NOT NULL REFERENCES license_keys (id),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE INDEX license_key_instances_by_key ON license_key_instances (license_key_id, created_at DESC, id DESC);
CREATE INDEX license_key_instances_listing ON license_key_instances (business_id, mode, created_at DESC, id DESC);
