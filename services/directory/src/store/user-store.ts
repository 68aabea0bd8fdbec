import { withTransaction } from '@cipherlink/kit';
import type { PgClient, PgPool, PublicUserRow } from './types';

/** Outcome of an idempotent user upsert. */
export type UpsertUserResult = 'inserted' | 'exists' | 'username_taken' | 'deleted';

/** Outcome of removing a deleted account. */
export type RemoveUserResult = 'removed' | 'already_removed';

/** The directory's copy of registered users (fed by auth's `user-registered` and `user-deleted` events). */
export interface UserStore {
  /**
   * Insert a user unless it exists. Idempotent: the same user again gives `exists`. A different id with the same
   * (case-insensitive) username gives `username_taken` and changes nothing. An id whose account was deleted gives
   * `deleted` and changes nothing: a deleted user never comes back.
   */
  upsert(user: { id: string; username: string; createdAt?: string }): Promise<UpsertUserResult>;
  /**
   * Forget a deleted account: its devices, its memberships, conversations nobody is left in, and its row (so the
   * username is free again). Keeps a tombstone of the id only. Idempotent.
   */
  remove(userId: string): Promise<RemoveUserResult>;
  findById(id: string): Promise<PublicUserRow | undefined>;
  findByUsername(username: string): Promise<PublicUserRow | undefined>;
}

/**
 * Serialises upsert and remove of one user id across connections, so a registration racing the deletion of the same
 * id can never re-insert the row after the tombstone (both statements would otherwise miss each other's
 * uncommitted work under READ COMMITTED).
 */
const lockUser = (db: PgClient, userId: string) => db.query(`SELECT pg_advisory_xact_lock(hashtextextended('directory-user:' || $1, 0))`, [userId]);

export function createUserStore(pool: PgPool): UserStore {
  return {
    async upsert(user) {
      return withTransaction(pool, async (db) => {
        await lockUser(db, user.id.toLowerCase());
        const inserted = await db.query(
          `INSERT INTO directory_users (id, username, username_lower, created_at)
           SELECT $1::uuid, $2::text, lower($2::text), coalesce($3::timestamptz, now())
            WHERE NOT EXISTS (SELECT 1 FROM directory_deleted_users WHERE id = $1::uuid)
           ON CONFLICT DO NOTHING
           RETURNING id`,
          [user.id, user.username, user.createdAt ?? null],
        );
        if (inserted.rowCount) return 'inserted';
        const { rows } = await db.query<{ live: boolean; deleted: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM directory_users WHERE id = $1) AS live,
                  EXISTS (SELECT 1 FROM directory_deleted_users WHERE id = $1) AS deleted`,
          [user.id],
        );
        if (rows[0]?.deleted) return 'deleted';
        return rows[0]?.live ? 'exists' : 'username_taken';
      });
    },

    async remove(userId) {
      return withTransaction(pool, async (db) => {
        await lockUser(db, userId.toLowerCase());
        await db.query('INSERT INTO directory_deleted_users (id) VALUES ($1) ON CONFLICT DO NOTHING', [userId]);
        const { rows: convs } = await db.query<{ conversation_id: string }>(
          'SELECT conversation_id FROM directory_members WHERE user_id = $1',
          [userId],
        );
        // Devices and memberships go with the row (ON DELETE CASCADE).
        const deleted = await db.query('DELETE FROM directory_users WHERE id = $1', [userId]);
        if (convs.length) {
          // A conversation whose last member is gone can never be opened again by anyone: drop it too.
          await db.query(
            `DELETE FROM directory_conversations c
              WHERE c.id = ANY($1::uuid[])
                AND NOT EXISTS (SELECT 1 FROM directory_members m WHERE m.conversation_id = c.id)`,
            [convs.map((c) => c.conversation_id)],
          );
        }
        return deleted.rowCount ? 'removed' : 'already_removed';
      });
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
