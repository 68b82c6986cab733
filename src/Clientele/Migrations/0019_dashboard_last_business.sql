-- The business a dashboard user looked at last, across sessions: a new sign-in opens there when the
-- person is still a member of it (else on their first membership). Set when a session switches to a
-- business (or first lands on one); a deleted business leaves it empty.
ALTER TABLE dashboard_users ADD COLUMN last_business_id text REFERENCES businesses (id) ON DELETE SET NULL;
