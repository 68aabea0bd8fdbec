import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionsResponse, TokenResponse } from '@cipherlink/proto';
import { hashRefreshToken } from '../src/domain/refresh-token';
import {
  eventually,
  expectCookieCleared,
  expectError,
  ORIGIN,
  sessionRow,
  sessionTokens,
  sleep,
  startAuth,
  watchSessionsRevoked,
  type AuthInstance,
} from './harness';
import { refreshCookieOf } from './http-client';

const GRACE_SECONDS = 2;
let auth: AuthInstance;

beforeAll(async () => {
  auth = await startAuth({ REFRESH_GRACE_SECONDS: String(GRACE_SECONDS) });
});

afterAll(async () => {
  await auth?.close();
});

async function refresh(refreshToken: string) {
  const res = await auth.post('/api/auth/refresh', { refreshToken, headers: { origin: ORIGIN } });
  return { res, next: refreshCookieOf(res)?.value };
}

/** The session was revoked as stolen: every token of it refused, its access tokens denied. */
async function expectFamilyRevoked(sessionId: string, accessToken: string, liveToken: string) {
  expect(await sessionRow(auth.db, sessionId)).toMatchObject({ revoked_reason: 'refresh_token_reuse' });
  const rows = await sessionTokens(auth.db, sessionId);
  expect(rows.every((r) => r.revoked_at !== null && r.successor_sealed === null)).toBe(true);
  const live = await refresh(liveToken);
  expectError(live.res, 401, 'unauthorized');
  expectCookieCleared(live.res);
  expectError(await auth.get('/api/auth/me', { bearer: accessToken }), 401, 'unauthorized');
}

describe('refresh-token reuse detection', () => {
  it('answers a replay of the immediate predecessor within grace with the same successor, and revokes nothing', async () => {
    const user = await auth.register();
    const { tokens, refreshToken } = await auth.login(user.username);
    const first = await refresh(refreshToken);
    expect(first.res.status).toBe(200);
    const replay = await refresh(refreshToken);
    expect(replay.res.status).toBe(200);
    expect(replay.next).toBe(first.next);
    expect(TokenResponse.parse(replay.res.body).sessionId).toBe(tokens.sessionId);
    expect(await sessionRow(auth.db, tokens.sessionId)).toMatchObject({ revoked_at: null });
    expect(await sessionTokens(auth.db, tokens.sessionId)).toHaveLength(2);
    // The shared successor keeps working, and its own rotation forgets the old sealed copy.
    const second = await refresh(first.next!);
    expect(second.res.status).toBe(200);
    const rows = await sessionTokens(auth.db, tokens.sessionId);
    expect(rows.find((r) => r.token_hash.equals(hashRefreshToken(refreshToken)))!.successor_sealed).toBeNull();
    expect(rows.find((r) => r.token_hash.equals(hashRefreshToken(first.next!)))!.successor_sealed).not.toBeNull();
  });

  it('treats a replay after the grace window as theft: 401, cookie cleared, the family revoked, gateways told', async () => {
    const watch = watchSessionsRevoked(auth.nats);
    try {
      const user = await auth.register();
      const { tokens, refreshToken } = await auth.login(user.username);
      const first = await refresh(refreshToken);
      expect(first.res.status).toBe(200);
      const freshAccess = TokenResponse.parse(first.res.body).accessToken;

      await sleep(GRACE_SECONDS * 1000 + 500);
      const replay = await refresh(refreshToken);
      expectError(replay.res, 401, 'unauthorized');
      expectCookieCleared(replay.res);
      await expectFamilyRevoked(tokens.sessionId, freshAccess, first.next!);
      expectError(await auth.get('/api/auth/me', { bearer: tokens.accessToken }), 401, 'unauthorized');
      await eventually(() =>
        expect(watch.events.filter((e) => e.userId === user.id)).toEqual([
          expect.objectContaining({ v: 1, userId: user.id, sessionIds: [tokens.sessionId], allSessions: false, reason: 'refresh_token_reuse' }),
        ]),
      );

      // The account's other sessions show what happened (device and truncated location of the replaying request).
      const other = await auth.login(user.username);
      const list = SessionsResponse.parse((await auth.get('/api/auth/sessions', { bearer: other.tokens.accessToken })).body);
      expect(list.sessions.map((s) => s.id)).toEqual([other.tokens.sessionId]);
      expect(list.events).toEqual([expect.objectContaining({ kind: 'refresh_token_reuse', sessionId: tokens.sessionId, location: '127.0.0.0/24' })]);
    } finally {
      watch.stop();
    }
  });

  it('treats a replay of the grand-parent as reuse even within the grace window', async () => {
    const user = await auth.register();
    const { tokens, refreshToken: t0 } = await auth.login(user.username);
    const t1 = (await refresh(t0)).next!;
    const second = await refresh(t1);
    expect(second.res.status).toBe(200);
    const replay = await refresh(t0);
    expectError(replay.res, 401, 'unauthorized');
    await expectFamilyRevoked(tokens.sessionId, TokenResponse.parse(second.res.body).accessToken, second.next!);
  });

  it('answers ten parallel refreshes of one token with one successor: all 200, the same cookie, session alive', async () => {
    const user = await auth.register();
    const { tokens, refreshToken } = await auth.login(user.username);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(refreshToken)));
    expect(results.map((r) => r.res.status)).toEqual(Array(10).fill(200));
    const issued = new Set(results.map((r) => r.next));
    expect(issued.size).toBe(1);
    for (const r of results) expect(TokenResponse.parse(r.res.body).sessionId).toBe(tokens.sessionId);

    const rows = await sessionTokens(auth.db, tokens.sessionId);
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.revoked_at !== null)).toHaveLength(0);
    const [successor] = [...issued];
    expect(rows.find((r) => r.rotated_at === null)!.token_hash.equals(hashRefreshToken(successor!))).toBe(true);
    expect(await sessionRow(auth.db, tokens.sessionId)).toMatchObject({ revoked_at: null });
    expect((await refresh(successor!)).res.status).toBe(200);
  });

  it('after 1000 rotations, replaying the first token revokes the family and the live token fails too', { timeout: 120_000 }, async () => {
    const user = await auth.register();
    const { tokens, refreshToken: first } = await auth.login(user.username);
    let live = first;
    let access = tokens.accessToken;
    for (let i = 0; i < 1000; i++) {
      const { res, next } = await refresh(live);
      expect(res.status).toBe(200);
      live = next!;
      access = TokenResponse.parse(res.body).accessToken;
    }
    expect(await sessionTokens(auth.db, tokens.sessionId)).toHaveLength(1001);
    const replay = await refresh(first);
    expectError(replay.res, 401, 'unauthorized');
    expectCookieCleared(replay.res);
    await expectFamilyRevoked(tokens.sessionId, access, live);
  });

  it('ends a session at its absolute lifetime however recently it was refreshed', async () => {
    const user = await auth.register();
    const { tokens, refreshToken } = await auth.login(user.username);
    // 29 days in: still usable, and the new cookie lives only for the remaining day.
    await auth.db.query(`UPDATE auth_sessions SET created_at = now() - interval '29 days' WHERE id = $1`, [tokens.sessionId]);
    const late = await refresh(refreshToken);
    expect(late.res.status).toBe(200);
    const maxAge = Number(refreshCookieOf(late.res)!.attributes.get('max-age'));
    expect(maxAge).toBeGreaterThan(86_400 - 60);
    expect(maxAge).toBeLessThanOrEqual(86_400);
    // Past 30 days: refused as expired, even though the token itself was issued moments ago.
    await auth.db.query(`UPDATE auth_sessions SET created_at = now() - interval '30 days 1 second' WHERE id = $1`, [tokens.sessionId]);
    const expired = await refresh(late.next!);
    expectError(expired.res, 401, 'unauthorized');
    expect(expired.res.body.error.message).toBe('refresh token expired');
    expectCookieCleared(expired.res);
  });
});
