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
