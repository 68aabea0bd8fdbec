import { randomUUID } from 'node:crypto';
import { ConflictError, withTransaction, type PgPool } from '@cipherlink/kit';
import type { PublicUser } from '@cipherlink/proto';
import { recordSecurityEvent, type RequestOrigin } from './security-event-store';
import { revokeAllInTransaction } from './session-revocation';

/** A user row with its password hash (never leaves the auth service). */
export interface UserCredentials extends PublicUser {
  passwordHash: string;
}

export interface UserStore {
  /** Insert a user; ConflictError when the username is taken (case-insensitively). */
  insert(input: { username: string; passwordHash: string }): Promise<PublicUser & { createdAt: Date }>;
  findCredentials(username: string): Promise<UserCredentials | undefined>;
  findCredentialsById(id: string): Promise<UserCredentials | undefined>;
  findById(id: string): Promise<PublicUser | undefined>;
  /**
   * Replace the password hash and revoke every other session of the user, in one transaction with a
   * `password_changed` security event. `beforeCommit` gets the sessions whose access tokens must be denied and runs
   * before the commit: when it throws (the deny-list is down), nothing changes and the client can retry with the
   * same current password.
   */
  changePassword(
    input: { userId: string; passwordHash: string; currentSessionId: string; now: Date; denyWindowMs: number; origin: RequestOrigin },
    beforeCommit: (revokedSessionIds: string[]) => Promise<void>,
  ): Promise<{ revoked: string[] }>;
  /**
   * Delete the user (sessions, tokens and security events cascade). `beforeCommit` gets the sessions to deny and
   * must also publish the deletion durably: if it throws, the account stays and the client can retry.
   * Resolves to the ended sessions, or undefined when the user no longer exists.
   */
  delete(input: { userId: string; now: Date; denyWindowMs: number }, beforeCommit: (sessionIds: string[]) => Promise<void>): Promise<{ sessionIds: string[] } | undefined>;
}

const UNIQUE_VIOLATION = '23505';

export function createUserStore(pool: PgPool): UserStore {
  async function credentialsWhere(column: 'username_lower' | 'id', value: string): Promise<UserCredentials | undefined> {
    const { rows } = await pool.query<{ id: string; username: string; password_hash: string }>(
      `SELECT id, username, password_hash FROM auth_users WHERE ${column} = ${column === 'id' ? '$1' : 'lower($1)'}`,
      [value],
    );
    const row = rows[0];
    return row && { id: row.id, username: row.username, passwordHash: row.password_hash };
  }

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
        if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw new ConflictError('username is already taken (usernames are case-insensitive)');
        throw err;
      }
    },

    findCredentials(username) {
      // PostgreSQL text cannot hold NUL, so no stored username contains one; sending it would fail the query (a 500
      // where login must answer "invalid username or password"). Registration's Username schema never admits it.
      if (username.includes('\u0000')) return Promise.resolve(undefined);
      return credentialsWhere('username_lower', username);
    },

    findCredentialsById: (id) => credentialsWhere('id', id),

    async findById(id) {
      const { rows } = await pool.query<{ id: string; username: string }>('SELECT id, username FROM auth_users WHERE id = $1', [id]);
      return rows[0] && { id: rows[0].id, username: rows[0].username };
    },

    async changePassword({ userId, passwordHash, currentSessionId, now, denyWindowMs, origin }, beforeCommit) {
      return withTransaction(pool, async (db) => {
        await db.query('UPDATE auth_users SET password_hash = $2 WHERE id = $1', [userId, passwordHash]);
        const result = await revokeAllInTransaction(db, { userId, exceptSessionId: currentSessionId, reason: 'password_changed', now, denyWindowMs });
        await recordSecurityEvent(db, { userId, sessionId: currentSessionId, kind: 'password_changed', at: now, origin });
        await beforeCommit(result.deny);
        return { revoked: result.revoked };
      });
    },

    async delete({ userId, now, denyWindowMs }, beforeCommit) {
      return withTransaction(pool, async (db) => {
        const { rowCount } = await db.query('SELECT 1 FROM auth_users WHERE id = $1 FOR UPDATE', [userId]);
        if (!rowCount) return undefined;
        // Revoke first (locks the sessions, so no refresh completes in between), then delete everything.
        const { deny } = await revokeAllInTransaction(db, { userId, reason: 'account_deleted', now, denyWindowMs });
        await db.query('DELETE FROM auth_users WHERE id = $1', [userId]);
        await beforeCommit(deny);
        return { sessionIds: deny };
      });
    },
  };
}
