import { describe, expect, it } from 'vitest';
import { decideRefresh, sessionExpiresAt, type PresentedTokenState, type RefreshDecisionInput } from './refresh-decision';

const now = new Date('2025-01-01T12:00:00Z');
const at = (offsetSeconds: number) => new Date(now.getTime() + offsetSeconds * 1000);
const DAY_MS = 86_400_000;
const TTL_MS = 30 * DAY_MS;

const liveToken: PresentedTokenState = { id: 'tok-0', rotatedAt: null, revokedAt: null, expiresAt: at(3600), hasSealedSuccessor: false };
/** tok-0 was rotated `secondsAgo` ago into tok-1, the live token. */
const rotated = (secondsAgo: number, over: Partial<PresentedTokenState> = {}): PresentedTokenState => ({
  ...liveToken,
  rotatedAt: at(-secondsAgo),
  hasSealedSuccessor: true,
  ...over,
});
const successor = { id: 'tok-1', parentId: 'tok-0' };

function input(over: Partial<RefreshDecisionInput> = {}): RefreshDecisionInput {
  return {
    token: liveToken,
    session: { revokedAt: null, createdAt: at(-3600) },
    liveToken: undefined,
    now,
    graceSeconds: 10,
    sessionTtlMs: TTL_MS,
    ...over,
  };
}

describe('decideRefresh', () => {
  it('rotates the live token; the successor expires with the session (absolute, not sliding)', () => {
    const createdAt = at(-29 * 86_400);
    expect(decideRefresh(input({ session: { revokedAt: null, createdAt } }))).toEqual({ kind: 'rotate', expiresAt: new Date(createdAt.getTime() + TTL_MS) });
  });

  it('rejects an unknown token or a missing session', () => {
    expect(decideRefresh(input({ token: undefined }))).toEqual({ kind: 'reject', reason: 'unknown' });
    expect(decideRefresh(input({ session: undefined }))).toEqual({ kind: 'reject', reason: 'unknown' });
  });

  it('rejects a revoked token or a token of a revoked session, even within grace', () => {
    expect(decideRefresh(input({ token: { ...liveToken, revokedAt: at(-5) } }))).toEqual({ kind: 'reject', reason: 'revoked' });
    expect(decideRefresh(input({ session: { revokedAt: at(-1), createdAt: at(-60) }, token: rotated(1), liveToken: successor }))).toEqual({
      kind: 'reject',
      reason: 'revoked',
    });
  });

  it('rejects once the session is older than its absolute lifetime, whatever the row says (expiry is exclusive)', () => {
    const reject = { kind: 'reject', reason: 'expired' };
    expect(decideRefresh(input({ session: { revokedAt: null, createdAt: new Date(now.getTime() - TTL_MS) } }))).toEqual(reject);
    expect(decideRefresh(input({ session: { revokedAt: null, createdAt: new Date(now.getTime() - TTL_MS - 1) } }))).toEqual(reject);
    // A shorter lifetime configured later applies to existing sessions too.
    expect(decideRefresh(input({ session: { revokedAt: null, createdAt: at(-2 * 86_400) }, sessionTtlMs: DAY_MS }))).toEqual(reject);
    // The row's own expiry is honoured as well.
    expect(decideRefresh(input({ token: { ...liveToken, expiresAt: now } }))).toEqual(reject);
  });

  it('answers a replay of the immediate predecessor within the grace window with the existing successor', () => {
    expect(decideRefresh(input({ token: rotated(10), liveToken: successor }))).toEqual({ kind: 'replay-successor', liveTokenId: 'tok-1' });
  });

  it('treats a rotation timestamp slightly in the future (clock skew) as within grace', () => {
    expect(decideRefresh(input({ token: rotated(-2), liveToken: successor }))).toEqual({ kind: 'replay-successor', liveTokenId: 'tok-1' });
  });

  it('treats a replay after the grace window as reuse', () => {
    expect(decideRefresh(input({ token: rotated(10.001), liveToken: successor }))).toEqual({ kind: 'reuse-revoke' });
  });

  it('treats any replay as reuse when the grace window is zero', () => {
    expect(decideRefresh(input({ token: rotated(0.001), liveToken: successor, graceSeconds: 0 }))).toEqual({ kind: 'reuse-revoke' });
  });

  it('treats a replay of an older ancestor (grand-parent of the live token) as reuse, even within grace', () => {
    expect(decideRefresh(input({ token: rotated(1), liveToken: { id: 'tok-2', parentId: 'tok-1' } }))).toEqual({ kind: 'reuse-revoke' });
  });

  it('treats a replay within grace as reuse when there is no live token or no sealed successor to answer with', () => {
    expect(decideRefresh(input({ token: rotated(1), liveToken: undefined }))).toEqual({ kind: 'reuse-revoke' });
    expect(decideRefresh(input({ token: rotated(1, { hasSealedSuccessor: false }), liveToken: successor }))).toEqual({ kind: 'reuse-revoke' });
  });
});

describe('sessionExpiresAt', () => {
  it('is the creation time plus the lifetime', () => {
    expect(sessionExpiresAt(now, 30 * DAY_MS).toISOString()).toBe('2025-01-31T12:00:00.000Z');
  });
});
