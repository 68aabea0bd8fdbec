import { randomUUID } from 'node:crypto';
import { ConflictError, type PgPool } from '@cipherlink/kit';
import type { PublicUser } from '@cipherlink/proto';

/** A user row with its password hash (never leaves the auth service). */
export interface UserCredentials extends PublicUser {
  passwordHash: string;
}

export interface UserStore {
  /** Insert a user; ConflictError when the username is taken (case-insensitively). */
  insert(input: { username: string; passwordHash: string }): Promise<PublicUser & { createdAt: Date }>;
  findCredentials(username: string): Promise<UserCredentials | undefined>;
  findById(id: string): Promise<PublicUser | undefined>;
}

const UNIQUE_VIOLATION = '23505';

export function createUserStore(pool: PgPool): UserStore {
  return {
    async insert({ username, passwordHash }) {
      try {
        const { rows } = await pool.query<{ id: string; username: string; created_at: Date }>(
          `INSERT INTO auth_users (id, username, username_lower, password_hash) VALUES ($1, $2, lower($2), $3)
           RETURNING id, username, created_at`,
          [randomUUID(), username, passwordHash],
        );
        const row = rows[0]!;
        return { id: row.id, username: row.username, createdAt: row.created_at };
      } catch (err) {
        if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw new ConflictError('username is taken');
        throw err;
      }
    },

    async findCredentials(username) {
      // PostgreSQL text cannot hold NUL, so no stored username contains one; sending it would fail the query (a 500
      // where login must answer "invalid username or password"). Registration's Username schema never admits it.
      if (username.includes('\u0000')) return undefined;
      const { rows } = await pool.query<{ id: string; username: string; password_hash: string }>(
        'SELECT id, username, password_hash FROM auth_users WHERE username_lower = lower($1)',
        [username],
      );
      const row = rows[0];
      return row && { id: row.id, username: row.username, passwordHash: row.password_hash };
    },

    async findById(id) {
      const { rows } = await pool.query<{ id: string; username: string }>('SELECT id, username FROM auth_users WHERE id = $1', [id]);
      return rows[0] && { id: rows[0].id, username: rows[0].username };
    },
  };
}
