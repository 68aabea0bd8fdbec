-- Up Migration

-- Sessions show a device label and an approximate location instead of the raw User-Agent and IP. New sessions no
-- longer store the full IP (column `ip` stays for rows written before this migration; the list truncates it).
ALTER TABLE auth_sessions ADD COLUMN device text;
ALTER TABLE auth_sessions ADD COLUMN location text;

-- The successor of a rotated refresh token, sealed (AES-256-GCM) under a key derived from the rotated token itself,
-- so the same successor can be answered to a racing replay within the grace window. Only a holder of the rotated
-- token can open it; the database alone (which keeps SHA-256 hashes, not tokens) cannot. Cleared once useless.
ALTER TABLE auth_refresh_tokens ADD COLUMN successor_sealed bytea;

-- Signing-key rotation: a key is published in the JWKS at once but signs only from not_before on, so every
-- verifier has fetched it before the first token it signed arrives.
ALTER TABLE auth_signing_keys ADD COLUMN not_before timestamptz;
UPDATE auth_signing_keys SET not_before = created_at;
ALTER TABLE auth_signing_keys ALTER COLUMN not_before SET NOT NULL;
ALTER TABLE auth_signing_keys ALTER COLUMN not_before SET DEFAULT clock_timestamp();

-- What the account's owner is shown beside the session list. device and location describe the request that
-- caused the event (location truncated to /24 or /48, never a full address).
CREATE TABLE auth_security_events (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  session_id uuid REFERENCES auth_sessions (id) ON DELETE SET NULL,
  kind text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  device text,
  location text
);
CREATE INDEX auth_security_events_user_created_idx ON auth_security_events (user_id, created_at DESC);

-- Down Migration

DROP TABLE auth_security_events;
ALTER TABLE auth_signing_keys DROP COLUMN not_before;
ALTER TABLE auth_refresh_tokens DROP COLUMN successor_sealed;
ALTER TABLE auth_sessions DROP COLUMN location;
ALTER TABLE auth_sessions DROP COLUMN device;
