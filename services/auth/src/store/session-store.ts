import { randomUUID } from 'node:crypto';
import { withTransaction, type PgPool } from '@cipherlink/kit';
import type { SecurityEventKind, SessionRevokeReason } from '@cipherlink/proto';
import { rotateRefreshToken, type RotationInput, type RotationOutcome } from './refresh-rotation';
import { recordSecurityEvent, type RequestOrigin } from './security-event-store';
import { revokeAllInTransaction, revokeSessions, type RevocationResult } from './session-revocation';

export type { RotationInput, RotationOutcome } from './refresh-rotation';
export type { RevocationResult } from './session-revocation';

/** An active session as listed to its owner. `device`/`location` are null for rows from before they were stored. */
export interface SessionRow {
  id: string;
  device: string | null;
  location: string | null;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastUsedAt: Date;
}

export interface SessionStore {
  /** Create a session with its first refresh token (given as a hash) in one transaction. */
  create(input: { userId: string; origin: RequestOrigin; userAgent: string | undefined; tokenHash: Buffer; now: Date; expiresAt: Date }): Promise<{
    sessionId: string;
  }>;
  /** Exchange a refresh token (see decideRefresh); a detected reuse revokes the session before it reports `reuse`. */
  rotate(input: RotationInput): Promise<RotationOutcome>;
  /** Revoke the session a refresh token (in any state) belongs to; resolves to it when one was found, revoked or not. */
  revokeByTokenHash(tokenHash: Buffer, reason: SessionRevokeReason, now: Date): Promise<{ sessionId: string; userId: string } | undefined>;
  /**
   * Revoke one session of `userId` (a session of someone else is not found). `event` is recorded when the session
   * was active. Resolves to undefined when there is no such session of that user.
   */
  revoke(
    input: { sessionId: string; userId: string; reason: SessionRevokeReason; now: Date; denyWindowMs: number },
    event?: { kind: SecurityEventKind; origin: RequestOrigin },
  ): Promise<RevocationResult | undefined>;
  /** Revoke every session of `userId`, or every one but `exceptSessionId`; `event` is recorded when any was active. */
  revokeAll(
    input: { userId: string; exceptSessionId?: string; reason: SessionRevokeReason; now: Date; denyWindowMs: number },
    event?: { kind: SecurityEventKind; sessionId: string; origin: RequestOrigin },
  ): Promise<RevocationResult>;
  isActive(sessionId: string, userId: string): Promise<boolean>;
  /** Active sessions of a user that have not reached their absolute expiry, most recently used first. */
  listActive(userId: string, createdAfter: Date, limit: number): Promise<SessionRow[]>;
}

export function createSessionStore(pool: PgPool): SessionStore {
  return {
    async create({ userId, origin, userAgent, tokenHash, now, expiresAt }) {
      const sessionId = randomUUID();
      await withTransaction(pool, async (db) => {
        // Only the truncated location is stored, never the full IP address.
        await db.query(
          `INSERT INTO auth_sessions (id, user_id, user_agent, device, location, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
          [sessionId, userId, userAgent ?? null, origin.device, origin.location, now],
        );
        await db.query(`INSERT INTO auth_refresh_tokens (id, session_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
          randomUUID(),
          sessionId,
          tokenHash,
          now,
          expiresAt,
        ]);
      });
      return { sessionId };
    },

    rotate: (input) => withTransaction(pool, (db) => rotateRefreshToken(db, input)),

    async revokeByTokenHash(tokenHash, reason, now) {
      return withTransaction(pool, async (db) => {
        const { rows } = await db.query<{ session_id: string; user_id: string }>(
          `SELECT t.session_id, s.user_id FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
           WHERE t.token_hash = $1 FOR UPDATE OF s`,
          [tokenHash],
        );
        const row = rows[0];
        if (!row) return undefined;
        await revokeSessions(db, [row.session_id], reason, now);
        return { sessionId: row.session_id, userId: row.user_id };
      });
    },

    async revoke({ sessionId, userId, reason, now, denyWindowMs }, event) {
      return withTransaction(pool, async (db) => {
        const { rows } = await db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM auth_sessions WHERE id = $1 AND user_id = $2 FOR UPDATE', [
          sessionId,
          userId,
        ]);
        const row = rows[0];
        if (!row) return undefined;
        const revoked = await revokeSessions(db, [sessionId], reason, now);
        if (revoked.length > 0 && event) await recordSecurityEvent(db, { userId, sessionId, kind: event.kind, at: now, origin: event.origin });
        const recently = row.revoked_at !== null && row.revoked_at.getTime() > now.getTime() - denyWindowMs;
        return { revoked, deny: revoked.length > 0 || recently ? [sessionId] : [] };
      });
    },

    async revokeAll({ userId, exceptSessionId, reason, now, denyWindowMs }, event) {
      return withTransaction(pool, (db) => revokeAllInTransaction(db, { userId, exceptSessionId, reason, now, denyWindowMs }, event));
    },

    async isActive(sessionId, userId) {
      const { rowCount } = await pool.query('SELECT 1 FROM auth_sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL', [sessionId, userId]);
      return rowCount === 1;
    },

    async listActive(userId, createdAfter, limit) {
      const { rows } = await pool.query<{
        id: string;
        device: string | null;
        location: string | null;
        user_agent: string | null;
        ip: string | null;
        created_at: Date;
        last_used_at: Date;
      }>(
        `SELECT id, device, location, user_agent, ip, created_at, last_used_at FROM auth_sessions
         WHERE user_id = $1 AND revoked_at IS NULL AND created_at > $2 ORDER BY last_used_at DESC, id LIMIT $3`,
        [userId, createdAfter, limit],
      );
      return rows.map((r) => ({
        id: r.id,
        device: r.device,
        location: r.location,
        userAgent: r.user_agent,
        ip: r.ip,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
      }));
    },
  };
}
