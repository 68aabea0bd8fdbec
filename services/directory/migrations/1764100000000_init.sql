-- Up Migration
CREATE TABLE directory_users (
  id uuid PRIMARY KEY,
  username text NOT NULL,
  username_lower text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE directory_devices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES directory_users (id) ON DELETE CASCADE,
  public_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, public_key)
);

CREATE TABLE directory_conversations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('dm', 'group')),
  name text NULL,
  -- "<smaller user id>:<larger user id>" for DMs: the unique index makes concurrent opens converge on one row.
  dm_key text NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'dm') = (dm_key IS NOT NULL))
);

CREATE TABLE directory_members (
  conversation_id uuid NOT NULL REFERENCES directory_conversations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES directory_users (id) ON DELETE CASCADE,
  joined_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX directory_members_user_id_idx ON directory_members (user_id);

-- Down Migration
DROP TABLE IF EXISTS directory_members;
DROP TABLE IF EXISTS directory_conversations;
DROP TABLE IF EXISTS directory_devices;
DROP TABLE IF EXISTS directory_users;
