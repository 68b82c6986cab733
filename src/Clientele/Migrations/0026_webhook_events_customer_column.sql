-- The 0018 indexes computed each event's customer from its payload, so every event insert parsed the text
-- payload as JSON up to four times (two indexes, two paths each): the event insert was the first statement
-- in the renewal bench's CPU samples. The insert now writes the customer itself (WebhookOutbox), and the
-- indexes read the column. Existing events get it from the same expression the indexes used.

-- The old indexes go first, so the backfill does not parse each payload again to maintain them.
DROP INDEX webhook_events_by_customer;
DROP INDEX webhook_events_subscription_by_customer;

ALTER TABLE webhook_events ADD COLUMN customer_id text;

UPDATE webhook_events
SET customer_id = coalesce((payload::jsonb) #>> '{data,customer,customer_id}', (payload::jsonb) #>> '{data,customer_id}');

CREATE INDEX webhook_events_by_customer ON webhook_events (business_id, mode, customer_id, created_at DESC, id DESC);

-- Subscription changes (status, plan) are the events the timeline shows as such.
CREATE INDEX webhook_events_subscription_by_customer ON webhook_events (business_id, mode, customer_id, created_at DESC, id DESC)
    WHERE type LIKE 'subscription.%';
