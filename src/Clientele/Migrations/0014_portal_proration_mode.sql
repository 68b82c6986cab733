-- The proration mode the customer portal uses for a customer's own plan change (the API's caller
-- chooses per request; a customer cannot). One of the reference's proration_billing_mode values.
ALTER TABLE subscription_settings
    ADD COLUMN portal_proration_mode text NOT NULL DEFAULT 'prorated_immediately'
        CHECK (portal_proration_mode IN ('prorated_immediately', 'full_immediately', 'difference_immediately', 'do_not_bill'));
