-- Customer wallets: one prepaid balance per customer and currency, changed only together with an
-- append-only ledger entry that records the balance before and after.

-- A wallet row exists once money has moved in its currency. The business's default currencies are
-- shown as zero wallets before that (see WalletStore), so reads never write.
CREATE TABLE wallets (
    business_id text NOT NULL REFERENCES businesses (id),
    mode        text NOT NULL CHECK (mode IN ('test', 'live')),
    customer_id text NOT NULL REFERENCES customers (id),
    currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- The last line of defence: even a buggy caller cannot take a wallet below zero.
    balance     bigint NOT NULL CHECK (balance >= 0),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (business_id, mode, customer_id, currency)
);

CREATE TABLE wallet_ledger_entries (
    id                  text PRIMARY KEY,
    -- Applied order: the wallet's row lock serialises changes, so per wallet this follows the
    -- before/after chain even when clocks of concurrent requests disagree.
    seq                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    business_id         text NOT NULL,
    mode                text NOT NULL CHECK (mode IN ('test', 'live')),
    customer_id         text NOT NULL,
    currency            text NOT NULL,
    amount              bigint NOT NULL CHECK (amount > 0),
    is_credit           boolean NOT NULL,
    event_type          text NOT NULL CHECK (event_type IN (
                            'payment', 'payment_reversal', 'refund', 'refund_reversal',
                            'dispute', 'dispute_reversal', 'merchant_adjustment')),
    before_balance      bigint NOT NULL CHECK (before_balance >= 0),
    after_balance       bigint NOT NULL CHECK (after_balance >= 0),
    reason              text CHECK (length(reason) <= 500),
    reference_object_id text CHECK (length(reference_object_id) <= 255),
    created_at          timestamptz NOT NULL,
    CHECK (after_balance = CASE WHEN is_credit THEN before_balance + amount ELSE before_balance - amount END),
    FOREIGN KEY (business_id, mode, customer_id, currency) REFERENCES wallets (business_id, mode, customer_id, currency)
);

CREATE INDEX wallet_ledger_entries_by_customer ON wallet_ledger_entries (business_id, mode, customer_id, seq DESC);
CREATE INDEX wallet_ledger_entries_by_wallet ON wallet_ledger_entries (business_id, mode, customer_id, currency, seq DESC);

-- Append-only, twice over: a trigger refuses UPDATE, DELETE and TRUNCATE for everyone, and the
-- migrating role (the application's) gives up those privileges on the table.
CREATE FUNCTION wallet_ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'wallet_ledger_entries is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER wallet_ledger_entries_no_update_or_delete
    BEFORE UPDATE OR DELETE ON wallet_ledger_entries
    FOR EACH ROW EXECUTE FUNCTION wallet_ledger_entries_append_only();

CREATE TRIGGER wallet_ledger_entries_no_truncate
    BEFORE TRUNCATE ON wallet_ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION wallet_ledger_entries_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON wallet_ledger_entries FROM PUBLIC, CURRENT_USER;

-- The first result of each idempotency key (per business and mode): what was asked, and the entry
-- it produced. The primary key makes concurrent requests with one key wait for each other.
CREATE TABLE wallet_idempotency_keys (
    business_id     text NOT NULL,
    mode            text NOT NULL CHECK (mode IN ('test', 'live')),
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    customer_id     text NOT NULL,
    currency        text NOT NULL,
    amount          bigint NOT NULL,
    is_credit       boolean NOT NULL,
    -- Written in the same transaction as the entry. Not a foreign key: checking one locks the
    -- entry FOR KEY SHARE, which needs the UPDATE privilege revoked above.
    ledger_entry_id text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (business_id, mode, key)
);
