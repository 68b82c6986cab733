-- License keys and subscriptions were built side by side; now that both tables exist, a key's
-- subscription is a real reference.
ALTER TABLE license_keys
    ADD CONSTRAINT license_keys_subscription_fk FOREIGN KEY (subscription_id) REFERENCES subscriptions (id);
