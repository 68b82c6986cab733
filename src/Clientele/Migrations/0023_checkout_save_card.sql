-- A hosted page that only saves a card for an existing customer (the portal's "Add a card", with or
-- without a subscription): nothing is charged and no subscription is involved. Its payment of nothing
-- is marked is_update_payment_method, like a subscription's card change.
ALTER TABLE checkout_sessions
    DROP CONSTRAINT checkout_sessions_purpose_check,
    DROP CONSTRAINT checkout_sessions_purpose_subscription,
    ADD CONSTRAINT checkout_sessions_purpose_check CHECK (purpose IN ('purchase', 'subscription', 'update_payment_method', 'save_card')),
    ADD CONSTRAINT checkout_sessions_purpose_subscription CHECK ((purpose IN ('purchase', 'save_card')) = (subscription_id IS NULL)),
    ADD CONSTRAINT checkout_sessions_save_card_shape CHECK (purpose <> 'save_card' OR (customer_id IS NOT NULL AND total_amount = 0));

-- "Is there already an open card-saving page for this customer?" (a double submit reuses it).
CREATE INDEX checkout_sessions_open_save_card ON checkout_sessions (business_id, mode, customer_id, created_at DESC)
    WHERE purpose = 'save_card' AND status = 'open';
