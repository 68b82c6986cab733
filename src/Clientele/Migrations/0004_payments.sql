-- Payments core: catalog, the test processor's own books, saved payment methods, checkout
-- sessions, payments with line items, invoices and credit notes, refunds.
-- Money is bigint minor units plus an ISO-4217 code; every tenant table carries business_id and mode.

-- Per business and mode; a missing row means the defaults.
CREATE TABLE subscription_settings (
    business_id                  text NOT NULL REFERENCES businesses (id),
    mode                         text NOT NULL CHECK (mode IN ('test', 'live')),
    allow_multiple_subscriptions boolean NOT NULL DEFAULT true,
    allow_plan_changes           boolean NOT NULL DEFAULT false,
    allow_customer_cancel        boolean NOT NULL DEFAULT true,
    allow_customer_pause         boolean NOT NULL DEFAULT false,
    updated_at                   timestamptz NOT NULL,
    PRIMARY KEY (business_id, mode)
);

CREATE TABLE products (
    id                             text PRIMARY KEY,
    business_id                    text NOT NULL REFERENCES businesses (id),
    mode                           text NOT NULL CHECK (mode IN ('test', 'live')),
    name                           text NOT NULL,
    description                    text,
    image                          text,
    tax_category                   text NOT NULL CHECK (tax_category IN ('digital_products', 'saas', 'e_book', 'edtech', 'live_tutoring')),
    price_type                     text NOT NULL CHECK (price_type IN ('one_time_price', 'recurring_price', 'usage_based_price')),
    currency                       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- price, or fixed_price for usage-based prices
    price_amount                   bigint NOT NULL CHECK (price_amount >= 0),
    discount                       integer NOT NULL CHECK (discount BETWEEN 0 AND 100),
    purchasing_power_parity        boolean NOT NULL,
    tax_inclusive                  boolean,
    pay_what_you_want              boolean NOT NULL DEFAULT false,
    suggested_price                bigint CHECK (suggested_price >= 0),
    payment_frequency_count        integer CHECK (payment_frequency_count > 0),
    payment_frequency_interval     text CHECK (payment_frequency_interval IN ('Day', 'Week', 'Month', 'Year')),
    subscription_period_count      integer CHECK (subscription_period_count > 0),
    subscription_period_interval   text CHECK (subscription_period_interval IN ('Day', 'Week', 'Month', 'Year')),
    trial_period_days              integer NOT NULL DEFAULT 0 CHECK (trial_period_days BETWEEN 0 AND 10000),
    trial_amount                   bigint CHECK (trial_amount >= 0),
    -- usage-based price meters, kept as given until metering exists
    meters                         jsonb,
    is_recurring                   boolean GENERATED ALWAYS AS (price_type <> 'one_time_price') STORED,
    license_key_enabled            boolean NOT NULL DEFAULT false,
    license_key_activations_limit  integer CHECK (license_key_activations_limit >= 0),
    license_key_activation_message text,
    license_key_duration_count     integer CHECK (license_key_duration_count > 0),
    license_key_duration_interval  text CHECK (license_key_duration_interval IN ('Day', 'Week', 'Month', 'Year')),
    addons                         text[] NOT NULL DEFAULT '{}',
    metadata                       jsonb NOT NULL DEFAULT '{}'::jsonb,
    archived                       boolean NOT NULL DEFAULT false,
    created_at                     timestamptz NOT NULL,
    updated_at                     timestamptz NOT NULL,
    -- a recurring (or usage-based) price always has its billing cadence, a one-time price never
    CHECK ((price_type = 'one_time_price') = (payment_frequency_count IS NULL)),
    CHECK ((payment_frequency_count IS NULL) = (payment_frequency_interval IS NULL)),
    CHECK ((payment_frequency_count IS NULL) = (subscription_period_count IS NULL)),
    CHECK ((subscription_period_count IS NULL) = (subscription_period_interval IS NULL)),
    CHECK ((license_key_duration_count IS NULL) = (license_key_duration_interval IS NULL))
);

CREATE INDEX products_listing ON products (business_id, mode, archived, created_at DESC, id DESC);
CREATE INDEX products_by_recurring ON products (business_id, mode, archived, is_recurring, created_at DESC, id DESC);

CREATE TABLE product_collections (
    id                                  text PRIMARY KEY,
    business_id                         text NOT NULL REFERENCES businesses (id),
    mode                                text NOT NULL CHECK (mode IN ('test', 'live')),
    name                                text NOT NULL,
    description                         text,
    image                               text,
    proration_billing_mode_on_upgrade   text CHECK (proration_billing_mode_on_upgrade IN ('prorated_immediately', 'full_immediately', 'difference_immediately', 'do_not_bill')),
    proration_billing_mode_on_downgrade text CHECK (proration_billing_mode_on_downgrade IN ('prorated_immediately', 'full_immediately', 'difference_immediately', 'do_not_bill')),
    effective_at_on_upgrade             text CHECK (effective_at_on_upgrade IN ('immediately', 'next_billing_date')),
    effective_at_on_downgrade           text CHECK (effective_at_on_downgrade IN ('immediately', 'next_billing_date')),
    on_payment_failure                  text CHECK (on_payment_failure IN ('prevent_change', 'apply_change')),
    archived                            boolean NOT NULL DEFAULT false,
    created_at                          timestamptz NOT NULL,
    updated_at                          timestamptz NOT NULL
);

CREATE INDEX product_collections_listing ON product_collections (business_id, mode, archived, created_at DESC, id DESC);

-- Groups are ordered (position); plan changes move between products of one collection.
CREATE TABLE product_collection_groups (
    id            text PRIMARY KEY,
    business_id   text NOT NULL REFERENCES businesses (id),
    mode          text NOT NULL CHECK (mode IN ('test', 'live')),
    collection_id text NOT NULL REFERENCES product_collections (id) ON DELETE CASCADE,
    group_name    text,
    status        boolean NOT NULL DEFAULT true,
    position      integer NOT NULL,
    created_at    timestamptz NOT NULL
);

CREATE INDEX product_collection_groups_order ON product_collection_groups (collection_id, position);

CREATE TABLE product_collection_items (
    id            text PRIMARY KEY,
    business_id   text NOT NULL REFERENCES businesses (id),
    mode          text NOT NULL CHECK (mode IN ('test', 'live')),
    collection_id text NOT NULL REFERENCES product_collections (id) ON DELETE CASCADE,
    group_id      text NOT NULL REFERENCES product_collection_groups (id) ON DELETE CASCADE,
    product_id    text NOT NULL REFERENCES products (id),
    status        boolean NOT NULL DEFAULT true,
    position      integer NOT NULL,
    created_at    timestamptz NOT NULL
);

-- A product belongs to at most one collection.
CREATE UNIQUE INDEX product_collection_items_one_collection ON product_collection_items (product_id);
CREATE INDEX product_collection_items_order ON product_collection_items (group_id, position);
CREATE INDEX product_collection_items_by_collection ON product_collection_items (collection_id);

-- The built-in test processor's own books: what a real processor keeps on its side. Several server
-- processes share them, so charges and refunds stay idempotent by key across processes.
-- There is no card number here: tokenize keeps only what a merchant may know about a card.
CREATE TABLE test_processor_accounts (
    business_id     text NOT NULL REFERENCES businesses (id),
    mode            text NOT NULL CHECK (mode IN ('test', 'live')),
    -- HMAC key for card fingerprints, so a fingerprint cannot be reversed by hashing candidate numbers
    fingerprint_key bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (business_id, mode)
);

CREATE TABLE test_processor_cards (
    token              text PRIMARY KEY,
    business_id        text NOT NULL REFERENCES businesses (id),
    mode               text NOT NULL CHECK (mode IN ('test', 'live')),
    behaviour          text NOT NULL CHECK (behaviour IN ('succeed', 'card_declined', 'insufficient_funds', 'succeed_once')),
    network            text NOT NULL,
    last4              text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
    expiry_month       integer NOT NULL CHECK (expiry_month BETWEEN 1 AND 12),
    expiry_year        integer NOT NULL,
    fingerprint        text NOT NULL,
    successful_charges integer NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL
);

CREATE TABLE test_processor_charges (
    id              text PRIMARY KEY,
    business_id     text NOT NULL REFERENCES businesses (id),
    mode            text NOT NULL CHECK (mode IN ('test', 'live')),
    idempotency_key text NOT NULL,
    token           text NOT NULL REFERENCES test_processor_cards (token),
    amount          bigint NOT NULL CHECK (amount > 0),
    currency        text NOT NULL,
    status          text NOT NULL CHECK (status IN ('succeeded', 'failed')),
    failure_code    text,
    refunded        bigint NOT NULL DEFAULT 0 CHECK (refunded BETWEEN 0 AND amount),
    created_at      timestamptz NOT NULL,
    UNIQUE (business_id, mode, idempotency_key)
);

CREATE TABLE test_processor_refunds (
    id              text PRIMARY KEY,
    business_id     text NOT NULL REFERENCES businesses (id),
    mode            text NOT NULL CHECK (mode IN ('test', 'live')),
    idempotency_key text NOT NULL,
    charge_id       text NOT NULL REFERENCES test_processor_charges (id),
    amount          bigint NOT NULL CHECK (amount > 0),
    created_at      timestamptz NOT NULL,
    UNIQUE (business_id, mode, idempotency_key)
);

-- A customer's saved cards: the processor's token and what may be shown, never the number.
CREATE TABLE payment_methods (
    id                   text PRIMARY KEY,
    business_id          text NOT NULL REFERENCES businesses (id),
    mode                 text NOT NULL CHECK (mode IN ('test', 'live')),
    customer_id          text NOT NULL REFERENCES customers (id),
    processor_token      text NOT NULL,
    card_network         text NOT NULL,
    card_type            text NOT NULL,
    last4                text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
    expiry_month         integer NOT NULL CHECK (expiry_month BETWEEN 1 AND 12),
    expiry_year          integer NOT NULL,
    fingerprint          text NOT NULL,
    card_holder_name     text,
    card_issuing_country text,
    recurring_enabled    boolean NOT NULL DEFAULT true,
    last_used_at         timestamptz,
    created_at           timestamptz NOT NULL,
    deleted_at           timestamptz
);

-- The same card saved twice by one customer is one payment method.
CREATE UNIQUE INDEX payment_methods_one_per_card ON payment_methods (customer_id, fingerprint) WHERE deleted_at IS NULL;
CREATE INDEX payment_methods_by_customer ON payment_methods (business_id, mode, customer_id, created_at DESC) WHERE deleted_at IS NULL;

-- What still charges a payment method; deleting one it lists is refused (409). Payments core has
-- nothing recurring, so it is empty here: the subscriptions migration replaces this view
-- (CREATE OR REPLACE VIEW) with its active subscriptions, and the delete rule needs no change.
CREATE VIEW payment_method_uses AS
SELECT NULL::text AS business_id, NULL::text AS mode, NULL::text AS payment_method_id, NULL::text AS used_by
WHERE false;

CREATE TABLE checkout_sessions (
    id                 text PRIMARY KEY,
    business_id        text NOT NULL REFERENCES businesses (id),
    mode               text NOT NULL CHECK (mode IN ('test', 'live')),
    customer_id        text REFERENCES customers (id),
    customer_email     text,
    customer_name      text,
    billing            jsonb,
    currency           text NOT NULL,
    total_amount       bigint NOT NULL CHECK (total_amount >= 0),
    -- the priced cart, fixed when the session is created: [{product_id, name, description, quantity, unit_amount, amount}]
    cart               jsonb NOT NULL,
    return_url         text,
    metadata           jsonb NOT NULL DEFAULT '{}'::jsonb,
    status             text NOT NULL CHECK (status IN ('open', 'processing', 'completed', 'expired')),
    -- the one payment attempt in flight (claimed with a guarded update), and its idempotency key
    attempt_key        text,
    attempt_started_at timestamptz,
    -- the attempt's tokenized card (token, network, last four, expiry, fingerprint; never the number),
    -- so a crashed attempt can be finished from the processor's answer
    attempt_card       jsonb,
    payment_id         text,
    expires_at         timestamptz NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);

CREATE TABLE payments (
    id                         text PRIMARY KEY,
    business_id                text NOT NULL REFERENCES businesses (id),
    mode                       text NOT NULL CHECK (mode IN ('test', 'live')),
    customer_id                text NOT NULL REFERENCES customers (id),
    checkout_session_id        text UNIQUE REFERENCES checkout_sessions (id),
    subscription_id            text,
    status                     text NOT NULL CHECK (status IN ('succeeded', 'failed', 'cancelled', 'processing', 'requires_customer_action',
                                   'requires_merchant_action', 'requires_payment_method', 'requires_confirmation', 'requires_capture',
                                   'partially_captured', 'partially_captured_and_capturable')),
    currency                   text NOT NULL,
    total_amount               bigint NOT NULL CHECK (total_amount >= 0),
    tax                        bigint NOT NULL DEFAULT 0 CHECK (tax >= 0),
    -- what succeeded refunds (and pending ones, which reserve their amount) take back; never more than was paid
    refunded_amount            bigint NOT NULL DEFAULT 0,
    billing                    jsonb NOT NULL,
    metadata                   jsonb NOT NULL DEFAULT '{}'::jsonb,
    payment_method_id          text REFERENCES payment_methods (id),
    card_network               text,
    card_type                  text,
    card_last_four             text,
    card_holder_name           text,
    card_issuing_country       text,
    processor_charge_id        text,
    error_code                 text,
    error_message              text,
    retry_attempt              integer NOT NULL DEFAULT 0,
    is_update_payment_method   boolean NOT NULL DEFAULT false,
    digital_products_delivered boolean NOT NULL DEFAULT false,
    created_at                 timestamptz NOT NULL,
    updated_at                 timestamptz NOT NULL,
    CHECK (refunded_amount BETWEEN 0 AND total_amount)
);

CREATE INDEX payments_listing ON payments (business_id, mode, created_at DESC, id DESC);
CREATE INDEX payments_by_customer ON payments (business_id, mode, customer_id, created_at DESC, id DESC);
CREATE INDEX payments_by_status ON payments (business_id, mode, status, created_at DESC, id DESC);
CREATE INDEX payments_by_currency ON payments (business_id, mode, currency, created_at DESC, id DESC);
CREATE INDEX payments_by_subscription ON payments (business_id, mode, subscription_id, created_at DESC, id DESC) WHERE subscription_id IS NOT NULL;

-- One line per product (the cart merges repeats), so the reference's items_id is the product id.
CREATE TABLE payment_line_items (
    payment_id      text NOT NULL REFERENCES payments (id),
    product_id      text NOT NULL REFERENCES products (id),
    business_id     text NOT NULL REFERENCES businesses (id),
    mode            text NOT NULL CHECK (mode IN ('test', 'live')),
    position        integer NOT NULL,
    name            text NOT NULL,
    description     text,
    quantity        integer NOT NULL CHECK (quantity > 0),
    unit_amount     bigint NOT NULL CHECK (unit_amount >= 0),
    discount_amount bigint NOT NULL DEFAULT 0 CHECK (discount_amount >= 0),
    amount          bigint NOT NULL CHECK (amount >= 0),
    tax             bigint NOT NULL DEFAULT 0 CHECK (tax >= 0),
    refunded_amount bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (payment_id, product_id),
    CHECK (refunded_amount BETWEEN 0 AND amount)
);

-- The product_id filter on GET /payments.
CREATE INDEX payment_line_items_by_product ON payment_line_items (business_id, mode, product_id, payment_id);

-- Gapless numbering: the counter row is incremented in the transaction that writes the document,
-- so its row lock serialises numbering and a rollback gives the number back.
CREATE TABLE document_counters (
    business_id text NOT NULL REFERENCES businesses (id),
    mode        text NOT NULL CHECK (mode IN ('test', 'live')),
    kind        text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    last_number bigint NOT NULL,
    PRIMARY KEY (business_id, mode, kind)
);

CREATE TABLE invoices (
    id           text PRIMARY KEY,
    business_id  text NOT NULL REFERENCES businesses (id),
    mode         text NOT NULL CHECK (mode IN ('test', 'live')),
    payment_id   text NOT NULL UNIQUE REFERENCES payments (id),
    sequence     bigint NOT NULL,
    number       text NOT NULL,
    -- lets a customer open the PDF from an e-mail without an API key; 256 random bits
    access_token text NOT NULL UNIQUE,
    seller       jsonb NOT NULL,
    buyer        jsonb NOT NULL,
    currency     text NOT NULL,
    subtotal     bigint NOT NULL,
    tax          bigint NOT NULL,
    total        bigint NOT NULL,
    issued_at    timestamptz NOT NULL,
    UNIQUE (business_id, mode, sequence)
);

CREATE TABLE refunds (
    id                  text PRIMARY KEY,
    business_id         text NOT NULL REFERENCES businesses (id),
    mode                text NOT NULL CHECK (mode IN ('test', 'live')),
    payment_id          text NOT NULL REFERENCES payments (id),
    customer_id         text NOT NULL REFERENCES customers (id),
    subscription_id     text,
    status              text NOT NULL CHECK (status IN ('succeeded', 'failed', 'pending', 'review')),
    amount              bigint NOT NULL CHECK (amount > 0),
    currency            text NOT NULL,
    is_partial          boolean NOT NULL,
    reason              text,
    metadata            jsonb NOT NULL DEFAULT '{}'::jsonb,
    processor_refund_id text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);

CREATE INDEX refunds_listing ON refunds (business_id, mode, created_at DESC, id DESC);
CREATE INDEX refunds_by_status ON refunds (business_id, mode, status, created_at DESC, id DESC);
CREATE INDEX refunds_by_customer ON refunds (business_id, mode, customer_id, created_at DESC, id DESC);
CREATE INDEX refunds_by_subscription ON refunds (business_id, mode, subscription_id, created_at DESC, id DESC) WHERE subscription_id IS NOT NULL;
CREATE INDEX refunds_by_payment ON refunds (payment_id, created_at);

CREATE TABLE refund_line_items (
    refund_id   text NOT NULL REFERENCES refunds (id),
    product_id  text NOT NULL,
    business_id text NOT NULL REFERENCES businesses (id),
    mode        text NOT NULL CHECK (mode IN ('test', 'live')),
    amount      bigint NOT NULL CHECK (amount > 0),
    PRIMARY KEY (refund_id, product_id)
);

CREATE TABLE credit_notes (
    id           text PRIMARY KEY,
    business_id  text NOT NULL REFERENCES businesses (id),
    mode         text NOT NULL CHECK (mode IN ('test', 'live')),
    refund_id    text NOT NULL UNIQUE REFERENCES refunds (id),
    invoice_id   text REFERENCES invoices (id),
    sequence     bigint NOT NULL,
    number       text NOT NULL,
    access_token text NOT NULL UNIQUE,
    issued_at    timestamptz NOT NULL,
    UNIQUE (business_id, mode, sequence)
);
