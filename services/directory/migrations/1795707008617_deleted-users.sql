-- Up Migration

-- Accounts deleted in auth (user-deleted event). Only the id is kept, never the username: the name is free for
-- someone else at once. The row stops a late or replayed user-registered event, or a still-valid access token,
-- from bringing the deleted user back.
CREATE TABLE directory_deleted_users (
  id uuid PRIMARY KEY,
  deleted_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE IF EXISTS directory_deleted_users;
