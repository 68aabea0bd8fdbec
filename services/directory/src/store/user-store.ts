import { withTransaction } from '@cipherlink/kit';
import type { ConversationKind, MemberRole } from '@cipherlink/proto';
import { successorAdmin } from '../domain/room-policy';
import type { MembershipChange } from './room-store';
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
  /**
   * `remove`, also reporting the conversations the user left (each with its membership version bumped, for the
   * member-removed events). A room left without an admin gets its earliest member as admin.
   */
  removeAccount(userId: string): Promise<{ result: RemoveUserResult; left: MembershipChange[] }>;
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
  const removeAccount: UserStore['removeAccount'] = (userId) =>
    withTransaction(pool, async (db) => {
      await lockUser(db, userId.toLowerCase());
      await db.query('INSERT INTO directory_deleted_users (id) VALUES ($1) ON CONFLICT DO NOTHING', [userId]);
      // Lock the user's conversations (in id order, so two deletions sharing conversations cannot deadlock).
      const { rows: convs } = await db.query<{ id: string; kind: ConversationKind }>(
        `SELECT c.id, c.kind FROM directory_conversations c
          WHERE c.id IN (SELECT conversation_id FROM directory_members WHERE user_id = $1)
          ORDER BY c.id
            FOR UPDATE`,
        [userId],
      );
      // Devices, identity key, key backup and memberships go with the row (ON DELETE CASCADE).
      const deleted = await db.query('DELETE FROM directory_users WHERE id = $1', [userId]);
      const left: MembershipChange[] = [];
      for (const conv of convs) {
        const { rows: remaining } = await db.query<{ user_id: string; role: MemberRole; joined_at: Date }>(
          'SELECT user_id, role, joined_at FROM directory_members WHERE conversation_id = $1',
          [conv.id],
        );
        const { rows } = await db.query<{ membership_version: string }>(
          'UPDATE directory_conversations SET membership_version = membership_version + 1 WHERE id = $1 RETURNING membership_version',
          [conv.id],
        );
        left.push({ conversationId: conv.id, kind: conv.kind, userId: userId.toLowerCase(), version: Number(rows[0]!.membership_version) });
        if (remaining.length === 0) {
          // A conversation whose last member is gone can never be opened again by anyone: drop it too.
          await db.query('DELETE FROM directory_conversations WHERE id = $1', [conv.id]);
          continue;
        }
        const successor = conv.kind === 'group' ? successorAdmin(remaining.map((m) => ({ userId: m.user_id, role: m.role, joinedAt: m.joined_at }))) : undefined;
        if (successor) {
          await db.query(`UPDATE directory_members SET role = 'admin' WHERE conversation_id = $1 AND user_id = $2`, [conv.id, successor]);
        }
      }
      return { result: deleted.rowCount ? 'removed' : 'already_removed', left };
    });

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
      return (await removeAccount(userId)).result;
    },

    removeAccount,

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
