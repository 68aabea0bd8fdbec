-- Up Migration

CREATE TABLE auth_users (
  id uuid PRIMARY KEY,
  -- Display form as registered; usernames are canonicalised to lowercase by the proto schema today.
  username text NOT NULL,
  -- Case-insensitive uniqueness lives here so a later change of the display rules cannot create duplicates.
  username_lower text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE auth_sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  user_agent text,
  ip text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX auth_sessions_user_id_idx ON auth_sessions (user_id);

-- Refresh tokens are stored only as SHA-256 hashes; the token itself never reaches the database.
CREATE TABLE auth_refresh_tokens (
  id uuid PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE,
  parent_id uuid REFERENCES auth_refresh_tokens (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz,
  successor_id uuid REFERENCES auth_refresh_tokens (id) ON DELETE SET NULL,
  revoked_at timestamptz
);
CREATE INDEX auth_refresh_tokens_session_id_idx ON auth_refresh_tokens (session_id);
-- At most one live (neither rotated nor revoked) token per session: the database enforces a single chain.
CREATE UNIQUE INDEX auth_refresh_tokens_one_live_per_session
  ON auth_refresh_tokens (session_id) WHERE rotated_at IS NULL AND revoked_at IS NULL;

-- Access-token signing keys. The private key lives in the auth database (jsonb JWK); rotation is a later command.
CREATE TABLE auth_signing_keys (
  kid text PRIMARY KEY,
  private_jwk jsonb NOT NULL,
  public_jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  retired_at timestamptz
);

-- Down Migration

DROP TABLE auth_signing_keys;
DROP TABLE auth_refresh_tokens;
DROP TABLE auth_sessions;
DROP TABLE auth_users;
