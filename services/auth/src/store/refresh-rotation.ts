import { randomUUID } from 'node:crypto';
import type { PgClient } from '@cipherlink/kit';
import type { PublicUser } from '@cipherlink/proto';
import { decideRefresh } from '../domain/refresh-decision';
import { hashRefreshToken } from '../domain/refresh-token';
import { openSuccessor, sealSuccessor } from '../domain/successor-seal';
import { recordSecurityEvent, type RequestOrigin } from './security-event-store';
import { revokeSessions } from './session-revocation';

export interface RotationInput {
  /** The refresh token the client presented (well-formed; needed to seal and open its successor). */
  presentedToken: string;
  /** A fresh token, used only when the presented one is rotated now. */
  candidateToken: string;
  now: Date;
  graceSeconds: number;
  sessionTtlMs: number;
  /** Who is asking, recorded with a reuse event. */
  origin: RequestOrigin;
}

export type RotationOutcome =
  | { ok: true; kind: 'rotate' | 'replay-successor'; sessionId: string; user: PublicUser; refreshToken: string; expiresAt: Date }
  | { ok: false; reason: 'unknown' | 'expired' }
  | { ok: false; reason: 'revoked'; sessionId: string; userId: string; revokedAt: Date }
  | { ok: false; reason: 'reuse'; sessionId: string; userId: string };

type TokenRow = { id: string; rotated_at: Date | null; revoked_at: Date | null; expires_at: Date; successor_sealed: Buffer | null };

/**
 * One refresh, inside the caller's transaction.
 *
 * Locking: every change to a session's tokens happens while holding the session row lock, so refreshes of one
 * session are serialized (two racers cannot both see the same token as live), and the presented token row is then
 * read `FOR UPDATE`. Locking the session first, always, gives one lock order and no deadlocks between racers that
 * present different tokens of the same chain. Ten parallel refreshes of one token: the first rotates it and seals
 * the successor on its row; the nine others, serialized behind it, open that sealed copy and answer the same token.
 */
export async function rotateRefreshToken(db: PgClient, input: RotationInput): Promise<RotationOutcome> {
  const { now } = input;
  const tokenHash = hashRefreshToken(input.presentedToken);
  const located = await db.query<{ session_id: string }>('SELECT session_id FROM auth_refresh_tokens WHERE token_hash = $1', [tokenHash]);
  const sessionId = located.rows[0]?.session_id;
  if (!sessionId) return { ok: false, reason: 'unknown' };

  const sessions = await db.query<{ user_id: string; username: string; created_at: Date; revoked_at: Date | null }>(
    `SELECT s.user_id, u.username, s.created_at, s.revoked_at FROM auth_sessions s JOIN auth_users u ON u.id = s.user_id
     WHERE s.id = $1 FOR UPDATE OF s`,
    [sessionId],
  );
  const session = sessions.rows[0];
  const tokens = await db.query<TokenRow>(
    'SELECT id, rotated_at, revoked_at, expires_at, successor_sealed FROM auth_refresh_tokens WHERE token_hash = $1 FOR UPDATE',
    [tokenHash],
  );
  const token = tokens.rows[0];
  let live: { id: string; parent_id: string | null; expires_at: Date; token_hash: Buffer } | undefined;
  if (token?.rotated_at) {
    const liveRows = await db.query<{ id: string; parent_id: string | null; expires_at: Date; token_hash: Buffer }>(
      'SELECT id, parent_id, expires_at, token_hash FROM auth_refresh_tokens WHERE session_id = $1 AND rotated_at IS NULL AND revoked_at IS NULL FOR UPDATE',
      [sessionId],
    );
    live = liveRows.rows[0];
  }

  const decision = decideRefresh({
    token: token && {
      id: token.id,
      rotatedAt: token.rotated_at,
      revokedAt: token.revoked_at,
      expiresAt: token.expires_at,
      hasSealedSuccessor: token.successor_sealed !== null,
    },
    session: session && { revokedAt: session.revoked_at, createdAt: session.created_at },
    liveToken: live && { id: live.id, parentId: live.parent_id },
    now,
    graceSeconds: input.graceSeconds,
    sessionTtlMs: input.sessionTtlMs,
  });
  const user = session && { id: session.user_id, username: session.username };

  switch (decision.kind) {
    case 'reject':
      if (decision.reason === 'revoked') {
        return { ok: false, reason: 'revoked', sessionId, userId: session!.user_id, revokedAt: session!.revoked_at ?? token!.revoked_at! };
      }
      return { ok: false, reason: decision.reason };

    case 'replay-successor': {
      const successor = openSuccessor({ rotatedToken: input.presentedToken, tokenRowId: token!.id, sealed: token!.successor_sealed! });
      // Cannot happen unless the row was tampered with: refuse as reuse rather than guess.
      if (!successor || !hashRefreshToken(successor).equals(live!.token_hash)) break;
      await db.query('UPDATE auth_sessions SET last_used_at = $2 WHERE id = $1', [sessionId, now]);
      return { ok: true, kind: 'replay-successor', sessionId, user: user!, refreshToken: successor, expiresAt: live!.expires_at };
    }

    case 'rotate': {
      const successorId = randomUUID();
      const sealed = sealSuccessor({ rotatedToken: input.presentedToken, tokenRowId: token!.id, successorToken: input.candidateToken });
      // The predecessor stops being live before its successor is inserted (one live token per session, enforced by
      // a partial unique index); successor_id is set afterwards because it references the new row. Older sealed
      // successors of the session can never be answered again (their token is no longer the live one's parent).
      await db.query('UPDATE auth_refresh_tokens SET successor_sealed = NULL WHERE session_id = $1 AND successor_sealed IS NOT NULL', [sessionId]);
      await db.query('UPDATE auth_refresh_tokens SET rotated_at = $2, successor_sealed = $3 WHERE id = $1', [token!.id, now, sealed]);
      await db.query(
        `INSERT INTO auth_refresh_tokens (id, session_id, token_hash, parent_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [successorId, sessionId, hashRefreshToken(input.candidateToken), token!.id, now, decision.expiresAt],
      );
      await db.query('UPDATE auth_refresh_tokens SET successor_id = $2 WHERE id = $1', [token!.id, successorId]);
      await db.query('UPDATE auth_sessions SET last_used_at = $2 WHERE id = $1', [sessionId, now]);
      return { ok: true, kind: 'rotate', sessionId, user: user!, refreshToken: input.candidateToken, expiresAt: decision.expiresAt };
    }

    case 'reuse-revoke':
      break;
  }
  await revokeSessions(db, [sessionId], 'refresh_token_reuse', now);
  await recordSecurityEvent(db, { userId: session!.user_id, sessionId, kind: 'refresh_token_reuse', at: now, origin: input.origin });
  return { ok: false, reason: 'reuse', sessionId, userId: session!.user_id };
}
