-- The audit log: every change made in the dashboard or through an API key — who, what, which object,
-- when, from where. No one edits history.

CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    business_id text NOT NULL REFERENCES businesses (id),
    mode        text NOT NULL CHECK (mode IN ('test', 'live')),
    -- 'user': a dashboard user (actor_id dashboard_users.id); 'api_key': an API key (actor_id api_keys.id).
    actor_kind  text NOT NULL CHECK (actor_kind IN ('user', 'api_key')),
    actor_id    text NOT NULL,
    -- What the actor was called at the time (an e-mail address, a key's name and hint): never a secret.
    actor_label text NOT NULL,
    -- The operation: "POST /customers/{customer_id}" for the API, "/dashboard/customers/{id}/credits · Adjust" for a page.
    action      text NOT NULL,
    object_id   text,
    status      integer NOT NULL,
    ip          inet,
    at          timestamptz NOT NULL
);

CREATE INDEX audit_log_by_tenant ON audit_log (business_id, mode, id DESC);
CREATE INDEX audit_log_by_actor ON audit_log (business_id, mode, actor_id, id DESC);
CREATE INDEX audit_log_by_object ON audit_log (business_id, mode, object_id, id DESC) WHERE object_id IS NOT NULL;

-- Append-only, twice over (as the wallet ledger): a trigger refuses UPDATE, DELETE and TRUNCATE for
-- everyone, and the migrating role (the application's) gives up those privileges on the table.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER audit_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC, CURRENT_USER;
