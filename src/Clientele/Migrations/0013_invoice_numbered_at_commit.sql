-- An invoice may be numbered as the last step of the transaction that issues it, so the business's
-- invoice counter (document_counters) stays locked only from then to the commit rather than through
-- the whole payment. Until that step the row has no number; a deferred check refuses a commit that
-- would leave an invoice without one, so committed invoices are always numbered (and gapless).
ALTER TABLE invoices ALTER COLUMN sequence DROP NOT NULL, ALTER COLUMN number DROP NOT NULL;

CREATE FUNCTION invoices_numbered_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM invoices WHERE id = NEW.id AND (sequence IS NULL OR number IS NULL)) THEN
        RAISE EXCEPTION 'invoice % would be committed without a number', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER invoices_numbered_at_commit
    AFTER INSERT OR UPDATE OF sequence, number ON invoices
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION invoices_numbered_at_commit();
