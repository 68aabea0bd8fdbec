import type { PgPool, PublicUserRow } from './types';

/** Outcome of an idempotent user upsert. */
export type UpsertUserResult = 'inserted' | 'exists' | 'username_taken';

/** The directory's copy of registered users (fed by auth's `user-registered` event). */
export interface UserStore {
  /**
   * Insert a user unless it exists. Idempotent: the same user again gives `exists`. A different id with the same
   * (case-insensitive) username gives `username_taken` and changes nothing.
   */
  upsert(user: { id: string; username: string; createdAt?: string }): Promise<UpsertUserResult>;
  findById(id: string): Promise<PublicUserRow | undefined>;
  findByUsername(username: string): Promise<PublicUserRow | undefined>;
}

export function createUserStore(pool: PgPool): UserStore {
  return {
    async upsert(user) {
      const inserted = await pool.query(
        `INSERT INTO directory_users (id, username, username_lower, created_at)
         VALUES ($1, $2, lower($2), coalesce($3::timestamptz, now()))
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [user.id, user.username, user.createdAt ?? null],
      );
      if (inserted.rowCount) return 'inserted';
      const existing = await pool.query('SELECT 1 FROM directory_users WHERE id = $1', [user.id]);
      return existing.rowCount ? 'exists' : 'username_taken';
    },
    async findById(id) {
      const { rows } = await pool.query<PublicUserRow>('SELECT id, username FROM directory_users WHERE id = $1', [id]);
      return rows[0];
    },
    async findByUsername(username) {
      const { rows } = await pool.query<PublicUserRow>('SELECT id, username FROM directory_users WHERE username_lower = lower($1)', [
        username,
      ]);
      return rows[0];
    },
  };
}
