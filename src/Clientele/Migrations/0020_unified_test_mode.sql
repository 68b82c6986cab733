-- The unified portal in both modes: a test-mode unified link and session (at the test base URL)
-- list only test-mode customers, so a merchant can try the cross-business portal with test data.
-- Existing rows were live.
ALTER TABLE unified_links ADD COLUMN mode text NOT NULL DEFAULT 'live' CHECK (mode IN ('live', 'test'));
ALTER TABLE unified_links ALTER COLUMN mode DROP DEFAULT;
ALTER TABLE unified_sessions ADD COLUMN mode text NOT NULL DEFAULT 'live' CHECK (mode IN ('live', 'test'));
ALTER TABLE unified_sessions ALTER COLUMN mode DROP DEFAULT;
