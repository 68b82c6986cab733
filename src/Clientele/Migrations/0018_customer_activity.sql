-- The dashboard's customer Activity tab merges several sources newest first, a page at a time: each
-- source is read per customer by (created_at DESC, id DESC) from an index, never by a scan.

-- Webhook events carry their customer inside the envelope: the Payment/Subscription/Refund/Dispute
-- shapes as data.customer.customer_id, a LicenseKey as data.customer_id.
CREATE INDEX webhook_events_by_customer ON webhook_events (
    business_id, mode,
    (coalesce((payload::jsonb) #>> '{data,customer,customer_id}', (payload::jsonb) #>> '{data,customer_id}')),
    created_at DESC, id DESC);

-- Subscription changes (status, plan) are the events the timeline shows as such.
CREATE INDEX webhook_events_subscription_by_customer ON webhook_events (
    business_id, mode,
    (coalesce((payload::jsonb) #>> '{data,customer,customer_id}', (payload::jsonb) #>> '{data,customer_id}')),
    created_at DESC, id DESC)
    WHERE type LIKE 'subscription.%';

CREATE INDEX wallet_ledger_entries_by_customer_time ON wallet_ledger_entries (business_id, mode, customer_id, created_at DESC, id DESC);

-- E-mail is addressed, not linked to a customer: the timeline shows what went to the customer's address.
CREATE INDEX email_outbox_by_recipient ON email_outbox (business_id, mode, lower(recipient), created_at DESC, id DESC);

CREATE INDEX portal_sessions_by_customer_time ON portal_sessions (business_id, mode, customer_id, created_at DESC, id DESC);
