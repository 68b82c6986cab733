-- The per-form idempotency keys serve the portal too (subscribing again from an ended subscription),
-- so the table is named for what it is: a form's key, claimed once, naming what the first submit made.
ALTER TABLE dashboard_action_keys RENAME TO form_action_keys;
