import { describe, expect, it } from 'vitest';
import { decideRefresh, type RefreshDecisionInput } from './refresh-decision';

const now = new Date('2025-01-01T12:00:00Z');
const at = (offsetSeconds: number) => new Date(now.getTime() + offsetSeconds * 1000);
const live = { id: 'live-id', expiresAt: at(3600) };

function input(over: Partial<RefreshDecisionInput> = {}): RefreshDecisionInput {
  return {
    token: { rotatedAt: null, revokedAt: null, expiresAt: at(3600) },
    session: { revokedAt: null },
    liveToken: undefined,
    now,
    graceSeconds: 10,
    ...over,
  };
}

describe('decideRefresh', () => {
  it('rotates the live token', () => {
    expect(decideRefresh(input())).toEqual({ kind: 'rotate' });
  });

  it('rejects an unknown token or a missing session', () => {
    expect(decideRefresh(input({ token: undefined }))).toEqual({ kind: 'reject', reason: 'unknown' });
    expect(decideRefresh(input({ session: undefined }))).toEqual({ kind: 'reject', reason: 'unknown' });
  });

  it('rejects a revoked token or a token of a revoked session, even within grace', () => {
    expect(decideRefresh(input({ token: { rotatedAt: null, revokedAt: at(-5), expiresAt: at(60) } }))).toEqual({
      kind: 'reject',
      reason: 'revoked',
    });
    expect(decideRefresh(input({ session: { revokedAt: at(-1) }, token: { rotatedAt: at(-1), revokedAt: null, expiresAt: at(60) }, liveToken: live }))).toEqual({
      kind: 'reject',
      reason: 'revoked',
    });
  });

  it('rejects an expired token (expiry is exclusive)', () => {
    expect(decideRefresh(input({ token: { rotatedAt: null, revokedAt: null, expiresAt: now } }))).toEqual({ kind: 'reject', reason: 'expired' });
    expect(decideRefresh(input({ token: { rotatedAt: null, revokedAt: null, expiresAt: at(-1) } }))).toEqual({ kind: 'reject', reason: 'expired' });
  });

  it('answers a replay within the grace window by rotating the live token', () => {
    const token = { rotatedAt: at(-10), revokedAt: null, expiresAt: at(3600) };
    expect(decideRefresh(input({ token, liveToken: live }))).toEqual({ kind: 'grace-successor', liveTokenId: 'live-id' });
  });

  it('treats a rotation timestamp slightly in the future (clock skew) as within grace', () => {
    const token = { rotatedAt: at(2), revokedAt: null, expiresAt: at(3600) };
    expect(decideRefresh(input({ token, liveToken: live }))).toEqual({ kind: 'grace-successor', liveTokenId: 'live-id' });
  });

  it('treats a replay after the grace window as reuse', () => {
    const token = { rotatedAt: at(-10.001), revokedAt: null, expiresAt: at(3600) };
    expect(decideRefresh(input({ token, liveToken: live }))).toEqual({ kind: 'reuse-revoke' });
  });

  it('treats any replay as reuse when the grace window is zero', () => {
    const token = { rotatedAt: at(-0.001), revokedAt: null, expiresAt: at(3600) };
    expect(decideRefresh(input({ token, liveToken: live, graceSeconds: 0 }))).toEqual({ kind: 'reuse-revoke' });
  });

  it('treats a replay within grace as reuse when the session has no usable live token', () => {
    const token = { rotatedAt: at(-1), revokedAt: null, expiresAt: at(3600) };
    expect(decideRefresh(input({ token, liveToken: undefined }))).toEqual({ kind: 'reuse-revoke' });
    expect(decideRefresh(input({ token, liveToken: { id: 'x', expiresAt: at(-1) } }))).toEqual({ kind: 'reuse-revoke' });
  });
});
