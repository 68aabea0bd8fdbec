import type { PgClient } from '@cipherlink/kit';
import type { SecurityEventKind, SessionRevokeReason } from '@cipherlink/proto';
import { recordSecurityEvent, type Queryable, type RequestOrigin } from './security-event-store';

/**
 * What a revocation did: `revoked` are the sessions it ended now; `deny` are the ones whose access tokens must be
 * on the deny-list: those plus the ones of the same scope revoked less than `denyWindowMs` ago, so a retry after
 * a failed deny-list write (Redis down, answered 503) writes it again although PostgreSQL already says revoked.
 */
export interface RevocationResult {
  revoked: string[];
  deny: string[];
}

/**
 * Revoke every session of a user (but one, optionally) inside the caller's transaction. Sessions are locked in id
 * order first, so two revocations for one user cannot deadlock, and a refresh racing them (which locks its session
 * row first too) either completes before or sees the session revoked.
 */
export async function revokeAllInTransaction(
  db: PgClient,
  input: { userId: string; exceptSessionId?: string | undefined; reason: SessionRevokeReason; now: Date; denyWindowMs: number },
  event?: { kind: SecurityEventKind; sessionId: string; origin: RequestOrigin },
): Promise<RevocationResult> {
  const { userId, now } = input;
  const except = input.exceptSessionId ?? null;
  const { rows } = await db.query<{ id: string; revoked_at: Date | null }>(
    `SELECT id, revoked_at FROM auth_sessions WHERE user_id = $1 AND ($2::uuid IS NULL OR id <> $2::uuid)
     AND (revoked_at IS NULL OR revoked_at > $3) ORDER BY id FOR UPDATE`,
    [userId, except, new Date(now.getTime() - input.denyWindowMs)],
  );
  const active = rows.filter((r) => r.revoked_at === null).map((r) => r.id);
  const revoked = await revokeSessions(db, active, input.reason, now);
  if (revoked.length > 0 && event) await recordSecurityEvent(db, { userId, sessionId: event.sessionId, kind: event.kind, at: now, origin: event.origin });
  return { revoked, deny: rows.map((r) => r.id) };
}

/** Mark sessions and all their refresh tokens revoked (idempotent); resolves to the ids that were active. */
export async function revokeSessions(db: Queryable, sessionIds: string[], reason: SessionRevokeReason, now: Date): Promise<string[]> {
  if (sessionIds.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    'UPDATE auth_sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL RETURNING id',
    [sessionIds, now, reason],
  );
  // Sealed successors die with the session: nothing may be answered from a revoked session again.
  await db.query(
    `UPDATE auth_refresh_tokens SET revoked_at = COALESCE(revoked_at, $2), successor_sealed = NULL
     WHERE session_id = ANY($1::uuid[]) AND (revoked_at IS NULL OR successor_sealed IS NOT NULL)`,
    [sessionIds, now],
  );
  return rows.map((r) => r.id);
}
