-- A customer acting in the portal is an audited actor too (actor_id = the customer's id, label = their
-- e-mail at the time), so the portal's Activity page can show what the customer did and when, and the
-- dashboard's audit log shows it beside the team's and the API keys' changes.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_kind_check CHECK (actor_kind IN ('user', 'api_key', 'customer'));
