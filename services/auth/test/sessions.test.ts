import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRpc, createAccessTokenVerifier, createRedis, createRevocationList, type Redis } from '@cipherlink/kit';
import { RevokedCountResponse, rpc, SessionsResponse } from '@cipherlink/proto';
import { eventually, expectCookieCleared, expectError, logger, ORIGIN, sessionRow, startAuth, watchSessionsRevoked, type AuthInstance } from './harness';
import type { HttpResult } from './http-client';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

let auth: AuthInstance;
let redis: Redis;

beforeAll(async () => {
  auth = await startAuth();
  redis = createRedis(auth.config.REDIS_URL, { name: 'auth-test', logger });
  await redis.connect();
});

afterAll(async () => {
  await auth?.close();
  redis?.disconnect();
});

const withOrigin = { origin: ORIGIN };
const sessionsOf = async (bearer: string) => {
  const res = await auth.get('/api/auth/sessions', { bearer });
  expect(res.status).toBe(200);
  return SessionsResponse.parse(res.body);
};
const securityEvents = async (userId: string) =>
  (await auth.db.query<{ kind: string; session_id: string | null }>('SELECT kind, session_id FROM auth_security_events WHERE user_id = $1 ORDER BY created_at', [userId])).rows;

async function expectSessionEnded(session: { tokens: { accessToken: string }; refreshToken: string }) {
  expectError(await auth.get('/api/auth/me', { bearer: session.tokens.accessToken }), 401, 'unauthorized');
  expectError(await auth.post('/api/auth/refresh', { refreshToken: session.refreshToken }), 401, 'unauthorized');
}

describe('logout', () => {
  it('denies the presented access token at once, here and in every other service, and tells the gateways', async () => {
    const watch = watchSessionsRevoked(auth.nats);
    try {
      const user = await auth.register();
      const session = await auth.login(user.username);
      expect((await auth.get('/api/auth/me', { bearer: session.tokens.accessToken })).status).toBe(200);
      const res = await auth.post('/api/auth/logout', { refreshToken: session.refreshToken, bearer: session.tokens.accessToken, headers: withOrigin });
      expect(res.status).toBe(204);
      const me = await auth.get('/api/auth/me', { bearer: session.tokens.accessToken });
      expectError(me, 401, 'unauthorized');
      expect(me.body.error.message).toBe('session ended');

      // What another service sees: its verifier (JWKS over NATS + the shared deny-list) refuses the token.
      const revocations = createRevocationList(redis);
      const verifier = createAccessTokenVerifier({ fetchJwks: () => callRpc(auth.nats, rpc.authJwks, {}), revocations });
      await expect(verifier.verify(session.tokens.accessToken)).rejects.toMatchObject({ code: 'unauthorized', message: 'session ended' });
      // Both the session and the token id itself are on the deny-list.
      const jti = JSON.parse(Buffer.from(session.tokens.accessToken.split('.')[1]!, 'base64url').toString()).jti as string;
      expect(await revocations.isDenied({ sid: randomUUID(), jti })).toBe(true);
      expect(await revocations.isDenied({ sid: session.tokens.sessionId, jti: randomUUID() })).toBe(true);
      expect(await redis.ttl(`cl:deny:sid:${session.tokens.sessionId}`)).toBeGreaterThan(900);

      await eventually(() =>
        expect(watch.events.filter((e) => e.userId === user.id)).toEqual([
          expect.objectContaining({ sessionIds: [session.tokens.sessionId], allSessions: false, reason: 'logout' }),
        ]),
      );
    } finally {
      watch.stop();
    }
  });

  it('logs out everywhere: every session ends, the cookie is cleared, the gateways are told', async () => {
    const watch = watchSessionsRevoked(auth.nats);
    try {
      const user = await auth.register();
      const [a, b] = [await auth.login(user.username), await auth.login(user.username)];
      expectError(await auth.post('/api/auth/logout-all', { bearer: a.tokens.accessToken, headers: { origin: 'https://evil.example' } }), 403, 'forbidden');
      expectError(await auth.post('/api/auth/logout-all', { headers: withOrigin }), 401, 'unauthorized');

      const res = await auth.post('/api/auth/logout-all', { bearer: a.tokens.accessToken, refreshToken: a.refreshToken, headers: withOrigin });
      expect(res.status).toBe(200);
      expect(RevokedCountResponse.parse(res.body)).toEqual({ revoked: 2 });
      expectCookieCleared(res);
      await expectSessionEnded(a);
      await expectSessionEnded(b);
      expect(await sessionRow(auth.db, b.tokens.sessionId)).toMatchObject({ revoked_reason: 'logout_all' });
      expect(await securityEvents(user.id)).toEqual([{ kind: 'logged_out_everywhere', session_id: a.tokens.sessionId }]);
      await eventually(() =>
        expect(watch.events.filter((e) => e.userId === user.id)).toEqual([
          expect.objectContaining({ allSessions: true, reason: 'logout_all', sessionIds: expect.arrayContaining([a.tokens.sessionId, b.tokens.sessionId]) }),
        ]),
      );
    } finally {
      watch.stop();
    }
  });
});

describe('session list', () => {
  it('shows each session with its device, truncated location, times and the current flag (current first)', async () => {
    const user = await auth.register();
    const a = await auth.login(user.username, { headers: { 'user-agent': CHROME, 'x-forwarded-for': '203.0.113.77' } });
    const b = await auth.login(user.username, { headers: { 'user-agent': FIREFOX, 'x-forwarded-for': '2001:db8:1234:5678::9' } });
    const c = await auth.login(user.username, { headers: { 'user-agent': 'curl/8.4.0', 'x-forwarded-for': '::ffff:198.51.100.23' } });

    const list = await sessionsOf(b.tokens.accessToken);
    expect(list.events).toEqual([]);
    expect(list.sessions[0]).toMatchObject({ id: b.tokens.sessionId, device: 'Firefox 133 on Windows', location: '2001:db8:1234::/48', current: true });
    expect(list.sessions.slice(1)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: a.tokens.sessionId, device: 'Chrome 142 on Linux', location: '203.0.113.0/24', current: false }),
        expect.objectContaining({ id: c.tokens.sessionId, device: 'curl/8.4.0', location: '198.51.100.0/24', current: false }),
      ]),
    );
    expect(list.sessions).toHaveLength(3);
    // Never the full address, anywhere in the answer.
    expect(JSON.stringify(list)).not.toMatch(/203\.0\.113\.77|5678|198\.51\.100\.23/);

    // A refresh updates "last used" (and only that session's).
    const before = list.sessions.find((s) => s.id === a.tokens.sessionId)!;
    await new Promise((r) => setTimeout(r, 20));
    expect((await auth.post('/api/auth/refresh', { refreshToken: a.refreshToken })).status).toBe(200);
    const after = (await sessionsOf(b.tokens.accessToken)).sessions.find((s) => s.id === a.tokens.sessionId)!;
    expect(new Date(after.lastUsedAt).getTime()).toBeGreaterThan(new Date(before.lastUsedAt).getTime());
    expect(after.createdAt).toBe(before.createdAt);
  });

  it('requires a bearer token of a live session', async () => {
    expectError(await auth.get('/api/auth/sessions'), 401, 'unauthorized');
    const user = await auth.register();
    const a = await auth.login(user.username);
    await auth.post('/api/auth/logout', { bearer: a.tokens.accessToken });
    expectError(await auth.get('/api/auth/sessions', { bearer: a.tokens.accessToken }), 401, 'unauthorized');
  });
});

describe('revoking sessions', () => {
  it('revokes one of the own sessions; someone else\'s is answered 404 and left alone', async () => {
    const watch = watchSessionsRevoked(auth.nats);
    try {
      const user = await auth.register();
      const a = await auth.login(user.username);
      const b = await auth.login(user.username, { headers: { 'user-agent': CHROME } });
      const stranger = await auth.login((await auth.register()).username);

      const del = (sessionId: string, bearer = a.tokens.accessToken): Promise<HttpResult> => auth.request('DELETE', `/api/auth/sessions/${sessionId}`, { bearer });
      expectError(await del(stranger.tokens.sessionId), 404, 'not_found');
      expectError(await del(randomUUID()), 404, 'not_found');
      expectError(await del('not-a-uuid'), 400, 'bad_request');
      expect((await auth.get('/api/auth/me', { bearer: stranger.tokens.accessToken })).status).toBe(200);

      expect((await del(b.tokens.sessionId)).status).toBe(204);
      await expectSessionEnded(b);
      expect((await auth.get('/api/auth/me', { bearer: a.tokens.accessToken })).status).toBe(200);
      // Idempotent: a repeat is a 204 too.
      expect((await del(b.tokens.sessionId)).status).toBe(204);

      const list = await sessionsOf(a.tokens.accessToken);
      expect(list.sessions.map((s) => s.id)).toEqual([a.tokens.sessionId]);
      expect(list.events).toEqual([expect.objectContaining({ kind: 'session_revoked', sessionId: b.tokens.sessionId })]);
      await eventually(() =>
        expect(watch.events.filter((e) => e.userId === user.id)).toContainEqual(expect.objectContaining({ sessionIds: [b.tokens.sessionId], reason: 'revoked' })),
      );
    } finally {
      watch.stop();
    }
  });

  it('revokes every other session and keeps the current one', async () => {
    const user = await auth.register();
    const [a, b, c] = [await auth.login(user.username), await auth.login(user.username), await auth.login(user.username)];
    const res = await auth.post('/api/auth/sessions/revoke-others', { bearer: a.tokens.accessToken });
    expect(res.status).toBe(200);
    expect(RevokedCountResponse.parse(res.body)).toEqual({ revoked: 2 });
    await expectSessionEnded(b);
    await expectSessionEnded(c);
    expect((await auth.get('/api/auth/me', { bearer: a.tokens.accessToken })).status).toBe(200);
    expect((await auth.post('/api/auth/refresh', { refreshToken: a.refreshToken })).status).toBe(200);
    expect(RevokedCountResponse.parse((await auth.post('/api/auth/sessions/revoke-others', { bearer: a.tokens.accessToken })).body)).toEqual({ revoked: 0 });
    expect(await securityEvents(user.id)).toEqual([{ kind: 'other_sessions_revoked', session_id: a.tokens.sessionId }]);
  });
});
