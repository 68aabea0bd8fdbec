-- Up Migration
CREATE TABLE message_store_conversation_seq (
  conversation_id uuid PRIMARY KEY,
  last_seq bigint NOT NULL CHECK (last_seq > 0)
);

CREATE TABLE message_store_messages (
  id uuid PRIMARY KEY,
  conversation_id uuid NOT NULL,
  seq bigint NOT NULL CHECK (seq > 0),
  sender_user_id uuid NOT NULL,
  sender_device_id uuid NOT NULL,
  envelope jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Also the index that serves history reads (conversation_id = $1 AND seq > $2 ORDER BY seq).
  CONSTRAINT message_store_messages_conversation_seq_key UNIQUE (conversation_id, seq)
);

-- Down Migration
DROP TABLE message_store_messages;
DROP TABLE message_store_conversation_seq;
