-- Tollgate replay ledger for PostgreSQL (9.5 or later): one row per claimed or settled payment proof.
-- Run it once, or let the ledger run it at start-up with ledger.createTable=true.
-- Rows whose expires_at has passed are free to claim again and are purged in batches.
CREATE TABLE IF NOT EXISTS tollgate_ledger (
    proof_key   text        PRIMARY KEY,
    state       char(1)     NOT NULL CHECK (state IN ('c', 's')),
    claim_token text,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS tollgate_ledger_expires_at_idx ON tollgate_ledger (expires_at);
-- x402 v2 payment identifiers (paymentIdentifier=optional|required): one row per id, the payload's fingerprint,
-- and the outcome once the request is over (NULL while it is in progress). Expired rows are purged likewise.
CREATE TABLE IF NOT EXISTS tollgate_ledger_payment_id (
    payment_id  text        PRIMARY KEY,
    fingerprint text        NOT NULL,
    outcome     text,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS tollgate_ledger_payment_id_expires_at_idx ON tollgate_ledger_payment_id (expires_at);
-- Code intents this server created (code.destination set): one row per intent, the intent as JSON, and its
-- expiry, so that an intent created on one instance can be redeemed on another. Expired rows are purged likewise.
CREATE TABLE IF NOT EXISTS tollgate_ledger_code_intent (
    intent_id   text        PRIMARY KEY,
    intent      text        NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS tollgate_ledger_code_intent_expires_at_idx ON tollgate_ledger_code_intent (expires_at);
