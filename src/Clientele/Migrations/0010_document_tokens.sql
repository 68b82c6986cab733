-- Document links (invoices, credit notes) no longer store their token: it is an HMAC of the document's
-- path id under a key that is not in the database (Features/Invoices/DocumentAccess.cs). Links issued
-- before keep working through the SHA-256 of their token; the tokens themselves are removed, also from
-- webhook payloads (the dispatcher adds the derived token when it sends).
ALTER TABLE invoices ADD COLUMN access_token_hash bytea;
UPDATE invoices SET access_token_hash = sha256(convert_to(access_token, 'UTF8'));
ALTER TABLE invoices DROP COLUMN access_token;

ALTER TABLE credit_notes ADD COLUMN access_token_hash bytea;
UPDATE credit_notes SET access_token_hash = sha256(convert_to(access_token, 'UTF8'));
ALTER TABLE credit_notes DROP COLUMN access_token;

UPDATE webhook_events
SET payload = regexp_replace(payload, '("invoice_url":"[^"?]*)\?token=[A-Za-z0-9_-]*"', '\1"', 'g')
WHERE payload LIKE '%"invoice_url":"%?token=%';
