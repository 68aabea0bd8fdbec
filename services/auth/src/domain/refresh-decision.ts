/** State of the presented refresh token's row, as read under lock. */
export interface PresentedTokenState {
  id: string;
  rotatedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
  /** Whether the row still holds its successor sealed under a key derived from this token. */
  hasSealedSuccessor: boolean;
}

/** The one token of the session that is neither rotated nor revoked (the database keeps at most one). */
export interface LiveTokenState {
  id: string;
  /** The token it replaced; null for the session's first token. */
  parentId: string | null;
}

export interface RefreshDecisionInput {
  /** Undefined when no row has the presented token's hash. */
  token: PresentedTokenState | undefined;
  /** Undefined when the session row is missing. */
  session: { revokedAt: Date | null; createdAt: Date } | undefined;
  /** The session's live token; only consulted when the presented token was already rotated. */
  liveToken: LiveTokenState | undefined;
  now: Date;
  /** How long after its rotation a token may be replayed (a racing tab, a retried request). */
  graceSeconds: number;
  /** Absolute lifetime of a session and of every refresh token in it, counted from the session's creation. */
  sessionTtlMs: number;
}

export type RefreshRejectReason = 'unknown' | 'revoked' | 'expired';

/**
 * - `rotate`: the presented token is the live one: mark it rotated and issue its successor, which expires with the
 *   session (`expiresAt`, absolute: rotation never extends a session).
 * - `replay-successor`: the presented token is the immediate predecessor of the live token and was rotated within
 *   the grace window: a racing request (another tab, a retried fetch). Answer with the same successor the first
 *   request got (opened from the sealed copy on the presented token's row); nothing changes, so any number of
 *   racers end up holding one and the same token.
 * - `reuse-revoke`: any other rotated token (after the window, or an older ancestor even within it): assume theft
 *   and revoke the whole session, every token of it included.
 * - `reject`: unknown, revoked or expired: 401 without touching anything.
 */
export type RefreshDecision =
  | { kind: 'rotate'; expiresAt: Date }
  | { kind: 'replay-successor'; liveTokenId: string }
  | { kind: 'reuse-revoke' }
  | { kind: 'reject'; reason: RefreshRejectReason };

/** When a session (and every refresh token of it) stops being usable: its creation plus the absolute lifetime. */
export function sessionExpiresAt(createdAt: Date, sessionTtlMs: number): Date {
  return new Date(createdAt.getTime() + sessionTtlMs);
}

/** Decide what a refresh request does, given the locked state of the presented token and its session. */
export function decideRefresh(input: RefreshDecisionInput): RefreshDecision {
  const { token, session, liveToken, now } = input;
  if (!token || !session) return { kind: 'reject', reason: 'unknown' };
  if (token.revokedAt || session.revokedAt) return { kind: 'reject', reason: 'revoked' };
  const expiresAt = sessionExpiresAt(session.createdAt, input.sessionTtlMs);
  // Both limits apply: the session's absolute lifetime (as configured now) and the row's own expiry.
  if (Math.min(expiresAt.getTime(), token.expiresAt.getTime()) <= now.getTime()) return { kind: 'reject', reason: 'expired' };
  if (!token.rotatedAt) return { kind: 'rotate', expiresAt };
  // Negative ages (another instance's clock slightly ahead) count as within the window.
  const withinGrace = now.getTime() - token.rotatedAt.getTime() <= input.graceSeconds * 1000;
  const isImmediatePredecessor = liveToken !== undefined && liveToken.parentId === token.id;
  if (withinGrace && isImmediatePredecessor && token.hasSealedSuccessor) return { kind: 'replay-successor', liveTokenId: liveToken.id };
  return { kind: 'reuse-revoke' };
}
