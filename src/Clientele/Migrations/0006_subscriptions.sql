-- Subscriptions engine: subscriptions, the charges made for them (renewals, dues, plan changes,
-- on-demand), and the link from hosted checkout sessions to the subscription they start or repair.

CREATE TABLE subscriptions (
    id                           text PRIMARY KEY,
    business_id                  text NOT NULL REFERENCES businesses (id),
    mode                         text NOT NULL CHECK (mode IN ('test', 'live')),
    customer_id                  text NOT NULL REFERENCES customers (id),
    product_id                   text NOT NULL REFERENCES products (id),
    quantity                     integer NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
    status                       text NOT NULL CHECK (status IN ('pending', 'active', 'on_hold', 'paused', 'cancelled', 'failed', 'expired')),
    currency                     text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- per unit and period after the product's discount; recurring_pre_tax_amount = unit_amount × quantity
    unit_amount                  bigint NOT NULL CHECK (unit_amount >= 0),
    recurring_pre_tax_amount     bigint NOT NULL CHECK (recurring_pre_tax_amount >= 0),
    tax_inclusive                boolean NOT NULL DEFAULT false,
    payment_frequency_count      integer NOT NULL CHECK (payment_frequency_count > 0),
    payment_frequency_interval   text NOT NULL CHECK (payment_frequency_interval IN ('Day', 'Week', 'Month', 'Year')),
    subscription_period_count    integer NOT NULL CHECK (subscription_period_count > 0),
    subscription_period_interval text NOT NULL CHECK (subscription_period_interval IN ('Day', 'Week', 'Month', 'Year')),
    trial_period_days            integer NOT NULL DEFAULT 0 CHECK (trial_period_days BETWEEN 0 AND 10000),
    trial_amount                 bigint CHECK (trial_amount >= 0),
    -- on-demand subscriptions are never renewed by the worker; the merchant charges them
    on_demand                    boolean NOT NULL DEFAULT false,
    billing                      jsonb NOT NULL,
    metadata                     jsonb NOT NULL DEFAULT '{}'::jsonb,
    tax_id                       text,
    payment_method_id            text REFERENCES payment_methods (id),
    -- Period k (k = 0, 1, …) starts at billing_anchor + k × frequency; computing every date from the
    -- anchor keeps month ends stable (Jan 31 → Feb 28 → Mar 31). Pauses and resets move the anchor.
    billing_anchor               timestamptz NOT NULL,
    -- the index k of the period the next renewal pays for
    next_period                  integer NOT NULL DEFAULT 0 CHECK (next_period >= 0),
    previous_billing_date        timestamptz NOT NULL,
    next_billing_date            timestamptz NOT NULL,
    -- a fixed term: the subscription expires instead of renewing at or after this moment
    expires_at                   timestamptz,
    cancel_at_next_billing_date  boolean NOT NULL DEFAULT false,
    cancelled_at                 timestamptz,
    cancel_reason                text CHECK (cancel_reason IN ('cancelled_by_customer', 'cancelled_by_merchant', 'cancelled_by_merchant_send_dunning', 'dodo_team')),
    cancellation_feedback        text CHECK (cancellation_feedback IN ('too_expensive', 'missing_features', 'switched_service', 'unused', 'customer_service', 'low_quality', 'too_complex', 'other')),
    cancellation_comment         text,
    paused_at                    timestamptz,
    on_hold_at                   timestamptz,
    -- a plan change waiting for the next billing date (at most one)
    scheduled_change_id          text,
    scheduled_product_id         text REFERENCES products (id),
    scheduled_quantity           integer CHECK (scheduled_quantity BETWEEN 1 AND 10000),
    scheduled_created_at         timestamptz,
    -- the one charge in flight (a subscription_charges id): nothing else charges the subscription meanwhile
    charge_in_flight             text,
    -- the next_billing_date whose "upcoming renewal" e-mail has been queued
    renewal_notice_for           timestamptz,
    created_at                   timestamptz NOT NULL,
    updated_at                   timestamptz NOT NULL,
    CHECK ((scheduled_change_id IS NULL) = (scheduled_product_id IS NULL)),
    CHECK ((status = 'paused') = (paused_at IS NOT NULL))
);

CREATE INDEX subscriptions_listing ON subscriptions (business_id, mode, created_at DESC, id DESC);
CREATE INDEX subscriptions_by_customer ON subscriptions (business_id, mode, customer_id, created_at DESC, id DESC);
CREATE INDEX subscriptions_by_status ON subscriptions (business_id, mode, status, created_at DESC, id DESC);
CREATE INDEX subscriptions_by_product ON subscriptions (business_id, mode, product_id, created_at DESC, id DESC);
CREATE INDEX subscriptions_by_cancel_flag ON subscriptions (business_id, mode, cancel_at_next_billing_date, created_at DESC, id DESC);
-- What the renewal worker claims, across all businesses: due, renewable, nothing in flight.
CREATE INDEX subscriptions_due ON subscriptions (next_billing_date) WHERE status = 'active' AND NOT on_demand AND charge_in_flight IS NULL;
-- Upcoming-renewal notices.
CREATE INDEX subscriptions_notice ON subscriptions (next_billing_date) WHERE status = 'active' AND NOT on_demand;

-- Every charge made for a subscription. Written with its payment (status processing) before the
-- processor is called, so the decision (amounts, wallet part, idempotency key) is durable: a worker
-- that dies after that point leaves a row the recovery pass finishes by asking the processor.
CREATE TABLE subscription_charges (
    id                text PRIMARY KEY,
    business_id       text NOT NULL REFERENCES businesses (id),
    mode              text NOT NULL CHECK (mode IN ('test', 'live')),
    subscription_id   text NOT NULL REFERENCES subscriptions (id),
    payment_id        text NOT NULL UNIQUE REFERENCES payments (id),
    kind              text NOT NULL CHECK (kind IN ('initial', 'renewal', 'dues', 'plan_change', 'on_demand')),
    -- renewals: the start of the period paid for; one renewal charge per (subscription, period)
    period_start      timestamptz,
    idempotency_key   text NOT NULL,
    payment_method_id text REFERENCES payment_methods (id),
    amount            bigint NOT NULL CHECK (amount > 0),
    -- taken from the customer's wallet first, the rest from the card (given back if the card fails)
    wallet_amount     bigint NOT NULL DEFAULT 0 CHECK (wallet_amount BETWEEN 0 AND amount),
    card_amount       bigint NOT NULL GENERATED ALWAYS AS (amount - wallet_amount) STORED,
    status            text NOT NULL CHECK (status IN ('processing', 'succeeded', 'failed')),
    -- what settling the charge does besides the payment: {order: the plan change to apply, apply_on_failure, due_on_failure}
    settlement        jsonb,
    -- a failed charge that leaves money owed (a renewal, or a plan change applied anyway);
    -- settled_by names the payment that paid it when the subscription is reactivated
    is_due            boolean NOT NULL DEFAULT false,
    settled_by        text REFERENCES payments (id),
    -- the worker that owns a processing charge until then; afterwards the recovery pass takes it over
    claimed_until     timestamptz NOT NULL,
    created_at        timestamptz NOT NULL,
    finished_at       timestamptz,
    CHECK ((kind = 'renewal') = (period_start IS NOT NULL)),
    UNIQUE (business_id, mode, idempotency_key)
);

CREATE UNIQUE INDEX subscription_charges_one_per_period ON subscription_charges (subscription_id, period_start) WHERE kind = 'renewal';
CREATE INDEX subscription_charges_in_flight ON subscription_charges (claimed_until) WHERE status = 'processing';
CREATE INDEX subscription_charges_dues ON subscription_charges (subscription_id) WHERE is_due AND settled_by IS NULL;
CREATE INDEX subscription_charges_by_subscription ON subscription_charges (subscription_id, created_at);

-- A hosted page can start a subscription (its first payment) or repair one (a new card, and the
-- dues of an on_hold subscription). Plain purchases leave both NULL.
ALTER TABLE checkout_sessions
    ADD COLUMN subscription_id text REFERENCES subscriptions (id),
    ADD COLUMN purpose text NOT NULL DEFAULT 'purchase' CHECK (purpose IN ('purchase', 'subscription', 'update_payment_method')),
    ADD CONSTRAINT checkout_sessions_purpose_subscription CHECK ((purpose = 'purchase') = (subscription_id IS NULL));

-- A payment method an active, on-hold or paused subscription charges cannot be deleted (409).
CREATE OR REPLACE VIEW payment_method_uses AS
SELECT s.business_id, s.mode, s.payment_method_id, s.id AS used_by
FROM subscriptions s
WHERE s.payment_method_id IS NOT NULL AND s.status IN ('active', 'on_hold', 'paused');

-- Events written in one transaction share a timestamp; a sequence keeps their order (payment.succeeded
-- before subscription.active), and deliveries due at the same moment are claimed in that order.
ALTER TABLE webhook_events ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE webhook_deliveries ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
