-- The dashboard's customer detail page (issue 14 §1).

-- A refund may carry its caller's idempotency key (the dashboard's refund form sends one): a second
-- request with the same key answers the first refund instead of making another.
ALTER TABLE refunds ADD COLUMN idempotency_key text CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 200);
CREATE UNIQUE INDEX refunds_idempotency ON refunds (business_id, mode, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Dashboard actions that have no guard of their own (e-mailing a customer a payment-method link):
-- the form's key is claimed in the transaction that queues the e-mail, so a double submit sends one.
CREATE TABLE dashboard_action_keys (
    business_id     text NOT NULL REFERENCES businesses (id),
    mode            text NOT NULL CHECK (mode IN ('test', 'live')),
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    action          text NOT NULL,
    object_id       text NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (business_id, mode, idempotency_key)
);
