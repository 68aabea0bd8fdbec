-- Up Migration

-- Protocol v1 devices carry an ECDH key, a signing key and the identity key's certificate over both, instead of
-- the single v0 public key. A row is one kind or the other; v0 listings show v0 devices, key listings v1 devices.
ALTER TABLE directory_devices ALTER COLUMN public_key DROP NOT NULL;
ALTER TABLE directory_devices
  ADD COLUMN ecdh_key text NULL,
  ADD COLUMN signing_key text NULL,
  ADD COLUMN certificate text NULL,
  ADD COLUMN certified_at bigint NULL CHECK (certified_at >= 0),
  ADD CONSTRAINT directory_devices_v0_or_v1 CHECK (
    (public_key IS NOT NULL AND ecdh_key IS NULL AND signing_key IS NULL AND certificate IS NULL AND certified_at IS NULL)
    OR (public_key IS NULL AND ecdh_key IS NOT NULL AND signing_key IS NOT NULL AND certificate IS NOT NULL AND certified_at IS NOT NULL)
  );

-- One identity public key per user; `version` grows by one each time it is replaced.
CREATE TABLE directory_identity_keys (
  user_id uuid PRIMARY KEY REFERENCES directory_users (id) ON DELETE CASCADE,
  identity_key text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  changed_at timestamptz NOT NULL DEFAULT now()
);

-- Group rooms: roles, and a membership version bumped by every member added or removed (the events' epochHint).
ALTER TABLE directory_conversations ADD COLUMN membership_version bigint NOT NULL DEFAULT 0 CHECK (membership_version >= 0);
UPDATE directory_conversations SET membership_version = 1;
ALTER TABLE directory_members ADD COLUMN role text NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member'));

-- The encrypted key backup: ciphertext only the user's recovery key or passphrase opens. Goes with the user row.
CREATE TABLE directory_key_backups (
  user_id uuid PRIMARY KEY REFERENCES directory_users (id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version > 0),
  blob text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE IF EXISTS directory_key_backups;
ALTER TABLE directory_members DROP COLUMN IF EXISTS role;
ALTER TABLE directory_conversations DROP COLUMN IF EXISTS membership_version;
DROP TABLE IF EXISTS directory_identity_keys;
DELETE FROM directory_devices WHERE public_key IS NULL;
ALTER TABLE directory_devices
  DROP CONSTRAINT IF EXISTS directory_devices_v0_or_v1,
  DROP COLUMN IF EXISTS ecdh_key,
  DROP COLUMN IF EXISTS signing_key,
  DROP COLUMN IF EXISTS certificate,
  DROP COLUMN IF EXISTS certified_at;
ALTER TABLE directory_devices ALTER COLUMN public_key SET NOT NULL;
