-- Up Migration

-- Sender-key distributions (protocol v1): opaque blobs, one per recipient device, numbered per recipient device so a
-- device fetches what it missed with afterSeq. Kept KEY_PACKAGE_RETENTION_DAYS (at least 30), then purged.
CREATE TABLE message_store_key_package_seq (
  device_id uuid PRIMARY KEY,
  last_seq bigint NOT NULL CHECK (last_seq > 0)
);

CREATE TABLE message_store_key_packages (
  recipient_device_id uuid NOT NULL,
  seq bigint NOT NULL CHECK (seq > 0),
  conversation_id uuid NOT NULL,
  epoch bigint NOT NULL CHECK (epoch BETWEEN 0 AND 4294967295),
  sender_user_id uuid NOT NULL,
  sender_device_id uuid NOT NULL,
  blob text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Also the index that serves fetches (recipient_device_id = $1 AND seq > $2 ORDER BY seq).
  PRIMARY KEY (recipient_device_id, seq)
);
CREATE INDEX message_store_key_packages_created_at_idx ON message_store_key_packages (created_at);

-- Down Migration
DROP TABLE IF EXISTS message_store_key_packages;
DROP TABLE IF EXISTS message_store_key_package_seq;
