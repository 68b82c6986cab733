-- Tenant isolation as a database invariant: every foreign key between two tenant tables carries
-- (business_id, mode) on both sides, so a row can never point at another business's or mode's row,
-- whatever a query forgets. Nullable references stay optional: with MATCH SIMPLE a NULL id skips
-- the check, and business_id and mode are never NULL. Constraint names and ON DELETE stay as before.
-- (Tests: TenantForeignKeysTests fails if a foreign key between tenant tables omits either column.)

-- A composite foreign key needs a unique key with the same columns on the referenced table.
ALTER TABLE customers                 ADD CONSTRAINT customers_tenant_key                 UNIQUE (id, business_id, mode);
ALTER TABLE webhook_endpoints         ADD CONSTRAINT webhook_endpoints_tenant_key         UNIQUE (id, business_id, mode);
ALTER TABLE webhook_events            ADD CONSTRAINT webhook_events_tenant_key            UNIQUE (id, business_id, mode);
ALTER TABLE webhook_deliveries        ADD CONSTRAINT webhook_deliveries_tenant_key        UNIQUE (id, business_id, mode);
ALTER TABLE products                  ADD CONSTRAINT products_tenant_key                  UNIQUE (id, business_id, mode);
ALTER TABLE product_collections       ADD CONSTRAINT product_collections_tenant_key       UNIQUE (id, business_id, mode);
ALTER TABLE product_collection_groups ADD CONSTRAINT product_collection_groups_tenant_key UNIQUE (id, business_id, mode);
ALTER TABLE test_processor_cards      ADD CONSTRAINT test_processor_cards_tenant_key      UNIQUE (token, business_id, mode);
ALTER TABLE test_processor_charges    ADD CONSTRAINT test_processor_charges_tenant_key    UNIQUE (id, business_id, mode);
ALTER TABLE payment_methods           ADD CONSTRAINT payment_methods_tenant_key           UNIQUE (id, business_id, mode);
ALTER TABLE checkout_sessions         ADD CONSTRAINT checkout_sessions_tenant_key         UNIQUE (id, business_id, mode);
ALTER TABLE payments                  ADD CONSTRAINT payments_tenant_key                  UNIQUE (id, business_id, mode);
ALTER TABLE invoices                  ADD CONSTRAINT invoices_tenant_key                  UNIQUE (id, business_id, mode);
ALTER TABLE refunds                   ADD CONSTRAINT refunds_tenant_key                   UNIQUE (id, business_id, mode);
ALTER TABLE subscriptions             ADD CONSTRAINT subscriptions_tenant_key             UNIQUE (id, business_id, mode);
ALTER TABLE license_keys              ADD CONSTRAINT license_keys_tenant_key              UNIQUE (id, business_id, mode);

-- Wallets (0002).
ALTER TABLE wallets
    DROP CONSTRAINT wallets_customer_id_fkey,
    ADD CONSTRAINT wallets_customer_id_fkey FOREIGN KEY (customer_id, business_id, mode) REFERENCES customers (id, business_id, mode);

-- Webhooks (0003).
ALTER TABLE webhook_deliveries
    DROP CONSTRAINT webhook_deliveries_event_id_fkey,
    DROP CONSTRAINT webhook_deliveries_endpoint_id_fkey,
    ADD CONSTRAINT webhook_deliveries_event_id_fkey FOREIGN KEY (event_id, business_id, mode) REFERENCES webhook_events (id, business_id, mode),
    ADD CONSTRAINT webhook_deliveries_endpoint_id_fkey FOREIGN KEY (endpoint_id, business_id, mode) REFERENCES webhook_endpoints (id, business_id, mode);
ALTER TABLE webhook_delivery_attempts
    DROP CONSTRAINT webhook_delivery_attempts_delivery_id_fkey,
    ADD CONSTRAINT webhook_delivery_attempts_delivery_id_fkey FOREIGN KEY (delivery_id, business_id, mode) REFERENCES webhook_deliveries (id, business_id, mode);

-- Catalog (0004).
ALTER TABLE product_collection_groups
    DROP CONSTRAINT product_collection_groups_collection_id_fkey,
    ADD CONSTRAINT product_collection_groups_collection_id_fkey FOREIGN KEY (collection_id, business_id, mode)
        REFERENCES product_collections (id, business_id, mode) ON DELETE CASCADE;
ALTER TABLE product_collection_items
    DROP CONSTRAINT product_collection_items_collection_id_fkey,
    DROP CONSTRAINT product_collection_items_group_id_fkey,
    DROP CONSTRAINT product_collection_items_product_id_fkey,
    ADD CONSTRAINT product_collection_items_collection_id_fkey FOREIGN KEY (collection_id, business_id, mode)
        REFERENCES product_collections (id, business_id, mode) ON DELETE CASCADE,
    ADD CONSTRAINT product_collection_items_group_id_fkey FOREIGN KEY (group_id, business_id, mode)
        REFERENCES product_collection_groups (id, business_id, mode) ON DELETE CASCADE,
    ADD CONSTRAINT product_collection_items_product_id_fkey FOREIGN KEY (product_id, business_id, mode) REFERENCES products (id, business_id, mode);

-- The test processor's books (0004).
ALTER TABLE test_processor_charges
    DROP CONSTRAINT test_processor_charges_token_fkey,
    ADD CONSTRAINT test_processor_charges_token_fkey FOREIGN KEY (token, business_id, mode) REFERENCES test_processor_cards (token, business_id, mode);
ALTER TABLE test_processor_refunds
    DROP CONSTRAINT test_processor_refunds_charge_id_fkey,
    ADD CONSTRAINT test_processor_refunds_charge_id_fkey FOREIGN KEY (charge_id, business_id, mode) REFERENCES test_processor_charges (id, business_id, mode);

-- Payments, invoices, refunds (0004).
ALTER TABLE payment_methods
    DROP CONSTRAINT payment_methods_customer_id_fkey,
    ADD CONSTRAINT payment_methods_customer_id_fkey FOREIGN KEY (customer_id, business_id, mode) REFERENCES customers (id, business_id, mode);
ALTER TABLE checkout_sessions
    DROP CONSTRAINT checkout_sessions_customer_id_fkey,
    DROP CONSTRAINT checkout_sessions_subscription_id_fkey,
    ADD CONSTRAINT checkout_sessions_customer_id_fkey FOREIGN KEY (customer_id, business_id, mode) REFERENCES customers (id, business_id, mode),
    ADD CONSTRAINT checkout_sessions_subscription_id_fkey FOREIGN KEY (subscription_id, business_id, mode) REFERENCES subscriptions (id, business_id, mode);
ALTER TABLE payments
    DROP CONSTRAINT payments_customer_id_fkey,
    DROP CONSTRAINT payments_checkout_session_id_fkey,
    DROP CONSTRAINT payments_payment_method_id_fkey,
    ADD CONSTRAINT payments_customer_id_fkey FOREIGN KEY (customer_id, business_id, mode) REFERENCES customers (id, business_id, mode),
    ADD CONSTRAINT payments_checkout_session_id_fkey FOREIGN KEY (checkout_session_id, business_id, mode) REFERENCES checkout_sessions (id, business_id, mode),
    ADD CONSTRAINT payments_payment_method_id_fkey FOREIGN KEY (payment_method_id, business_id, mode) REFERENCES payment_methods (id, business_id, mode);
ALTER TABLE payment_line_items
    DROP CONSTRAINT payment_line_items_payment_id_fkey,
    DROP CONSTRAINT payment_line_items_product_id_fkey,
    ADD CONSTRAINT payment_line_items_payment_id_fkey FOREIGN KEY (payment_id, business_id, mode) REFERENCES payments (id, business_id, mode),
    ADD CONSTRAINT payment_line_items_product_id_fkey FOREIGN KEY (product_id, business_id, mode) REFERENCES products (id, business_id, mode);
ALTER TABLE invoices
    DROP CONSTRAINT invoices_payment_id_fkey,
    ADD CONSTRAINT invoices_payment_id_fkey FOREIGN KEY (payment_id, business_id, mode) REFERENCES payments (id, business_id, mode);
ALTER TABLE refunds
    DROP CONSTRAINT refunds_payment_id_fkey,
    DROP CONSTRAINT refunds_customer_id_fkey,
    ADD CONSTRAINT refunds_payment_id_fkey FOREIGN KEY (payment_id, business_id, mode) REFERENCES payments (id, business_id, mode),
    ADD CONSTRAINT refunds_customer_id_fkey FOREIGN KEY (customer_id, business_id, mode) REFERENCES customers (id, business_id, mode);
ALTER TABLE refund_line_items
    DROP CONSTRAINT refund_line_items_refund_id_fkey,
    ADD CONSTRAINT refund_line_items_refund_id_fkey FOREIGN KEY (refund_id, business_id, mode) REFERENCES refunds (id, business_id, mode);
ALTER TABLE credit_notes
    DROP CONSTRAINT credit_notes_refund_id_fkey,
    DROP CONSTRAINT credit_notes_invoice_id_fkey,
    ADD CONSTRAINT credit_notes_refund_id_fkey FOREIGN KEY (refund_id, business_id, mode) REFERENCES refunds (id, business_id, mode),
    ADD CONSTRAINT credit_notes_invoice_id_fkey FOREIGN KEY (invoice_id, business_id, mode) REFERENCES invoices (id, business_id, mode);

-- Portal (0005).
ALTER TABLE portal_links
    DROP CONSTRAINT portal_links_customer_id_fkey,
    ADD CONSTRAINT portal_links_customer_id_fkey FOREIGN KEY (customer_id, business_id, mode) REFERENCES customers (id, business_id, mode);
ALTER TABLE portal_sessions
    DROP CONSTRAINT portal_sessions_customer_id_fkey,
    ADD CONSTRAINT portal_sessions_customer_id_fkey FOREIGN KEY (customer_id, business_id, mode) REFERENCES customers (id, business_id, mode);

-- Subscriptions (0006).
ALTER TABLE subscriptions
    DROP CONSTRAINT subscriptions_customer_id_fkey,
    DROP CONSTRAINT subscriptions_product_id_fkey,
    DROP CONSTRAINT subscriptions_payment_method_id_fkey,
    DROP CONSTRAINT subscriptions_scheduled_product_id_fkey,
    ADD CONSTRAINT subscriptions_customer_id_fkey FOREIGN KEY (customer_id, business_id, mode) REFERENCES customers (id, business_id, mode),
    ADD CONSTRAINT subscriptions_product_id_fkey FOREIGN KEY (product_id, business_id, mode) REFERENCES products (id, business_id, mode),
    ADD CONSTRAINT subscriptions_payment_method_id_fkey FOREIGN KEY (payment_method_id, business_id, mode) REFERENCES payment_methods (id, business_id, mode),
    ADD CONSTRAINT subscriptions_scheduled_product_id_fkey FOREIGN KEY (scheduled_product_id, business_id, mode) REFERENCES products (id, business_id, mode);
ALTER TABLE subscription_charges
    DROP CONSTRAINT subscription_charges_subscription_id_fkey,
    DROP CONSTRAINT subscription_charges_payment_id_fkey,
    DROP CONSTRAINT subscription_charges_payment_method_id_fkey,
    DROP CONSTRAINT subscription_charges_settled_by_fkey,
    ADD CONSTRAINT subscription_charges_subscription_id_fkey FOREIGN KEY (subscription_id, business_id, mode) REFERENCES subscriptions (id, business_id, mode),
    ADD CONSTRAINT subscription_charges_payment_id_fkey FOREIGN KEY (payment_id, business_id, mode) REFERENCES payments (id, business_id, mode),
    ADD CONSTRAINT subscription_charges_payment_method_id_fkey FOREIGN KEY (payment_method_id, business_id, mode) REFERENCES payment_methods (id, business_id, mode),
    ADD CONSTRAINT subscription_charges_settled_by_fkey FOREIGN KEY (settled_by, business_id, mode) REFERENCES payments (id, business_id, mode);

-- License keys (0007, 0008).
ALTER TABLE license_keys
    DROP CONSTRAINT license_keys_customer_id_fkey,
    DROP CONSTRAINT license_keys_product_id_fkey,
    DROP CONSTRAINT license_keys_payment_id_fkey,
    DROP CONSTRAINT license_keys_subscription_fk,
    ADD CONSTRAINT license_keys_customer_id_fkey FOREIGN KEY (customer_id, business_id, mode) REFERENCES customers (id, business_id, mode),
    ADD CONSTRAINT license_keys_product_id_fkey FOREIGN KEY (product_id, business_id, mode) REFERENCES products (id, business_id, mode),
    ADD CONSTRAINT license_keys_payment_id_fkey FOREIGN KEY (payment_id, business_id, mode) REFERENCES payments (id, business_id, mode),
    ADD CONSTRAINT license_keys_subscription_fk FOREIGN KEY (subscription_id, business_id, mode) REFERENCES subscriptions (id, business_id, mode);
ALTER TABLE license_key_instances
    DROP CONSTRAINT license_key_instances_license_key_id_fkey,
    ADD CONSTRAINT license_key_instances_license_key_id_fkey FOREIGN KEY (license_key_id, business_id, mode) REFERENCES license_keys (id, business_id, mode);

-- Refund recovery (RefundRecovery.cs): the request that reserved a pending refund owns it until
-- claimed_until; after that the recovery pass may claim it, ask the processor by the refund id and
-- record the outcome. Existing pending refunds become claimable at once.
ALTER TABLE refunds ADD COLUMN claimed_until timestamptz NOT NULL DEFAULT '-infinity';
CREATE INDEX refunds_stale ON refunds (claimed_until) WHERE status = 'pending';
