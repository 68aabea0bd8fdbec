/** State of the presented refresh token's row, as read under lock. */
export interface PresentedTokenState {
  rotatedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
}

/** The one token of the session that is neither rotated nor revoked (the database keeps at most one). */
export interface LiveTokenState {
  id: string;
  expiresAt: Date;
}

export interface RefreshDecisionInput {
  /** Undefined when no row has the presented token's hash. */
  token: PresentedTokenState | undefined;
  /** Undefined when the session row is missing. */
  session: { revokedAt: Date | null } | undefined;
  /** The session's live token; only consulted when the presented token was already rotated. */
  liveToken: LiveTokenState | undefined;
  now: Date;
  graceSeconds: number;
}

export type RefreshRejectReason = 'unknown' | 'revoked' | 'expired';

/**
 * - `rotate`: the presented token is the live one: mark it rotated and issue its successor.
 * - `grace-successor`: a racing request (another tab, a retried fetch) replays a token rotated moments ago. We do
 *   not keep the successor's plaintext, so instead we rotate the session's live token and hand out a new one; every
 *   racer ends up holding a token of the same single chain.
 * - `reuse-revoke`: a rotated token came back after the grace window: assume theft, revoke the whole session.
 * - `reject`: unknown, revoked or expired: 401 without touching anything.
 */
export type RefreshDecision =
  | { kind: 'rotate' }
  | { kind: 'grace-successor'; liveTokenId: string }
  | { kind: 'reuse-revoke' }
  | { kind: 'reject'; reason: RefreshRejectReason };

/**
 * Decide what a refresh request does, given the locked state of the presented token and its session.
 *
 * The grace window is measured from the presented token's own rotation, and any token of the session's chain
 * qualifies (not only the live token's parent): with ten parallel refreshes of one token, each grace replay rotates
 * the live token, so by the third racer the presented token is a grandparent of the live one. Because a session
 * has one linear chain (one live token, enforced by a unique index), every rotated token of it is an ancestor of
 * the live token.
 */
export function decideRefresh(input: RefreshDecisionInput): RefreshDecision {
  const { token, session, liveToken, now } = input;
  if (!token || !session) return { kind: 'reject', reason: 'unknown' };
  if (token.revokedAt || session.revokedAt) return { kind: 'reject', reason: 'revoked' };
  if (token.expiresAt.getTime() <= now.getTime()) return { kind: 'reject', reason: 'expired' };
  if (!token.rotatedAt) return { kind: 'rotate' };
  // Negative ages (another instance's clock slightly ahead) count as within the window.
  const sinceRotationMs = now.getTime() - token.rotatedAt.getTime();
  const withinGrace = sinceRotationMs <= input.graceSeconds * 1000;
  if (withinGrace && liveToken && liveToken.expiresAt.getTime() > now.getTime()) {
    return { kind: 'grace-successor', liveTokenId: liveToken.id };
  }
  return { kind: 'reuse-revoke' };
}
