import { randomUUID } from 'node:crypto';
import type { PgClient, PgPool } from '@cipherlink/kit';
import type { PublicUser } from '@cipherlink/proto';
import { decideRefresh, type RefreshRejectReason } from '../domain/refresh-decision';
import { withTransaction } from '@cipherlink/kit';

/** Why a session was revoked (stored in auth_sessions.revoked_reason). */
export type RevokeReason = 'logout' | 'refresh_token_reuse';

export type RotationOutcome =
  | { ok: true; sessionId: string; user: PublicUser; kind: 'rotate' | 'grace-successor' }
  | { ok: false; reason: RefreshRejectReason | 'reuse' };

export interface SessionStore {
  /** Create a session with its first refresh token (given as a hash) in one transaction. */
  create(input: { userId: string; userAgent: string | undefined; ip: string | undefined; tokenHash: Buffer; now: Date; expiresAt: Date }): Promise<{
    sessionId: string;
  }>;
  /**
   * Exchange the refresh token with hash `tokenHash` for the one with hash `newTokenHash` (see decideRefresh).
   * A detected reuse revokes the session and all its tokens before it reports `reuse`.
   */
  rotate(input: { tokenHash: Buffer; newTokenHash: Buffer; now: Date; expiresAt: Date; graceSeconds: number }): Promise<RotationOutcome>;
  /** Revoke the session that a refresh token (in any state) belongs to; resolves to its id when one was found. */
  revokeByTokenHash(tokenHash: Buffer, reason: RevokeReason, now: Date): Promise<string | undefined>;
  /** Revoke a session of `userId`; a session of someone else is left alone. */
  revoke(sessionId: string, userId: string, reason: RevokeReason, now: Date): Promise<boolean>;
  isActive(sessionId: string, userId: string): Promise<boolean>;
}

export function createSessionStore(pool: PgPool): SessionStore {
  return {
    async create({ userId, userAgent, ip, tokenHash, now, expiresAt }) {
      const sessionId = randomUUID();
      await withTransaction(pool, async (db) => {
        await db.query(
          `INSERT INTO auth_sessions (id, user_id, user_agent, ip, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $5)`,
          [sessionId, userId, userAgent ?? null, ip ?? null, now],
        );
        await db.query(
          `INSERT INTO auth_refresh_tokens (id, session_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
          [randomUUID(), sessionId, tokenHash, now, expiresAt],
        );
      });
      return { sessionId };
    },

    rotate: (input) => withTransaction(pool, (db) => rotateInTransaction(db, input)),

    async revokeByTokenHash(tokenHash, reason, now) {
      return withTransaction(pool, async (db) => {
        const { rows } = await db.query<{ session_id: string }>('SELECT session_id FROM auth_refresh_tokens WHERE token_hash = $1', [tokenHash]);
        const sessionId = rows[0]?.session_id;
        if (sessionId) await revokeSession(db, sessionId, reason, now);
        return sessionId;
      });
    },

    async revoke(sessionId, userId, reason, now) {
      return withTransaction(pool, async (db) => {
        const { rowCount } = await db.query('SELECT 1 FROM auth_sessions WHERE id = $1 AND user_id = $2 FOR UPDATE', [sessionId, userId]);
        if (!rowCount) return false;
        await revokeSession(db, sessionId, reason, now);
        return true;
      });
    },

    async isActive(sessionId, userId) {
      const { rowCount } = await pool.query('SELECT 1 FROM auth_sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL', [sessionId, userId]);
      return rowCount === 1;
    },
  };
}

/**
 * Locking: every change to a session's tokens happens while holding the session row lock, so refreshes of one
 * session are serialized (two racers cannot both see the same token as live), and the presented token row is then
 * read `FOR UPDATE`. Locking the session first, always, gives one lock order and no deadlocks between racers that
 * present different tokens of the same chain.
 */
async function rotateInTransaction(
  db: PgClient,
  input: { tokenHash: Buffer; newTokenHash: Buffer; now: Date; expiresAt: Date; graceSeconds: number },
): Promise<RotationOutcome> {
  const { now } = input;
  const located = await db.query<{ session_id: string }>('SELECT session_id FROM auth_refresh_tokens WHERE token_hash = $1', [input.tokenHash]);
  const sessionId = located.rows[0]?.session_id;
  if (!sessionId) return { ok: false, reason: 'unknown' };

  const sessions = await db.query<{ user_id: string; username: string; revoked_at: Date | null }>(
    `SELECT s.user_id, u.username, s.revoked_at FROM auth_sessions s JOIN auth_users u ON u.id = s.user_id
     WHERE s.id = $1 FOR UPDATE OF s`,
    [sessionId],
  );
  const session = sessions.rows[0];
  const tokens = await db.query<{ id: string; rotated_at: Date | null; revoked_at: Date | null; expires_at: Date }>(
    'SELECT id, rotated_at, revoked_at, expires_at FROM auth_refresh_tokens WHERE token_hash = $1 FOR UPDATE',
    [input.tokenHash],
  );
  const token = tokens.rows[0];
  let live: { id: string; expires_at: Date } | undefined;
  if (token?.rotated_at) {
    const liveRows = await db.query<{ id: string; expires_at: Date }>(
      'SELECT id, expires_at FROM auth_refresh_tokens WHERE session_id = $1 AND rotated_at IS NULL AND revoked_at IS NULL FOR UPDATE',
      [sessionId],
    );
    live = liveRows.rows[0];
  }

  const decision = decideRefresh({
    token: token && { rotatedAt: token.rotated_at, revokedAt: token.revoked_at, expiresAt: token.expires_at },
    session: session && { revokedAt: session.revoked_at },
    liveToken: live && { id: live.id, expiresAt: live.expires_at },
    now,
    graceSeconds: input.graceSeconds,
  });

  switch (decision.kind) {
    case 'reject':
      return { ok: false, reason: decision.reason };
    case 'reuse-revoke':
      await revokeSession(db, sessionId, 'refresh_token_reuse', now);
      return { ok: false, reason: 'reuse' };
    case 'rotate':
    case 'grace-successor': {
      const predecessorId = decision.kind === 'rotate' ? token!.id : decision.liveTokenId;
      const successorId = randomUUID();
      // The predecessor stops being live before its successor is inserted (one live token per session, enforced
      // by a partial unique index); successor_id is set afterwards because it references the new row.
      await db.query('UPDATE auth_refresh_tokens SET rotated_at = $2 WHERE id = $1', [predecessorId, now]);
      await db.query(
        `INSERT INTO auth_refresh_tokens (id, session_id, token_hash, parent_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [successorId, sessionId, input.newTokenHash, predecessorId, now, input.expiresAt],
      );
      await db.query('UPDATE auth_refresh_tokens SET successor_id = $2 WHERE id = $1', [predecessorId, successorId]);
      await db.query('UPDATE auth_sessions SET last_used_at = $2 WHERE id = $1', [sessionId, now]);
      return { ok: true, sessionId, user: { id: session!.user_id, username: session!.username }, kind: decision.kind };
    }
  }
}

async function revokeSession(db: PgClient, sessionId: string, reason: RevokeReason, now: Date): Promise<void> {
  await db.query('UPDATE auth_sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL', [sessionId, now, reason]);
  await db.query('UPDATE auth_refresh_tokens SET revoked_at = $2 WHERE session_id = $1 AND revoked_at IS NULL', [sessionId, now]);
}
