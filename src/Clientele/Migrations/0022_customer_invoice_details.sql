-- What a customer asks to have printed on their invoices, set in the portal's profile: a billing
-- address (the reference's BillingAddress shape: country, street, city, state, zipcode) and a tax id.
-- Invoices issued afterwards take it over the payment's own billing address; issued invoices are
-- snapshots and never change. Not part of the API's customer object (the reference has no such field).
ALTER TABLE customers ADD COLUMN invoice_details jsonb
    CHECK (invoice_details IS NULL OR jsonb_typeof(invoice_details) = 'object');
