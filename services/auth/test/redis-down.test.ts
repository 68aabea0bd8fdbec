import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, createRevocationList } from '@cipherlink/kit';
import { expectError, logger, ORIGIN, PASSWORD, sessionRow, startAuth, type AuthInstance } from './harness';
import { refreshCookieOf, uniqueName } from './http-client';
import { startPrivateRedis, type PrivateRedis } from '@cipherlink/kit/testing';

// A separate auth instance whose Redis is a child process of this test, killed and restarted on purpose.
let redis: PrivateRedis;
let auth: AuthInstance;

beforeAll(async () => {
  redis = await startPrivateRedis();
  auth = await startAuth({ REDIS_URL: redis.url });
});

afterAll(async () => {
  await auth?.close();
  await redis?.kill();
});

describe('while Redis is down', () => {
  it('fails closed with 503 in the error shape, revokes logouts in PostgreSQL, and completes them on retry', async () => {
    const user = await auth.register();
    const a = await auth.login(user.username);
    const b = await auth.login(user.username);
    expect((await auth.get('/api/auth/me', { bearer: a.tokens.accessToken })).status).toBe(200);

    await redis.kill();

    // The deny-list cannot be consulted: a valid token is not accepted.
    expectError(await auth.get('/api/auth/me', { bearer: a.tokens.accessToken }), 503, 'unavailable');
    expectError(await auth.get('/api/auth/sessions', { bearer: a.tokens.accessToken }), 503, 'unavailable');
    // The limits cannot be counted: credential endpoints refuse rather than run unlimited.
    expectError(await auth.post('/api/auth/login', { json: { username: user.username, password: PASSWORD } }), 503, 'unavailable');
    expectError(await auth.post('/api/auth/register', { json: { username: uniqueName(), password: PASSWORD } }), 503, 'unavailable');
    expectError(await auth.post('/api/auth/refresh', { refreshToken: b.refreshToken }), 503, 'unavailable');
    const ready = await auth.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toContainEqual({ name: 'auth:redis', ok: false });

    // Logout still ends the session where it lives (PostgreSQL) and asks the client to retry for the deny-list.
    const logout = () => auth.post('/api/auth/logout', { refreshToken: a.refreshToken, bearer: a.tokens.accessToken, headers: { origin: ORIGIN } });
    const failed = await logout();
    expectError(failed, 503, 'unavailable');
    expect(refreshCookieOf(failed)).toBeUndefined(); // the cookie stays for the retry
    expect(await sessionRow(auth.db, a.tokens.sessionId)).toMatchObject({ revoked_reason: 'logout' });

    redis = await startPrivateRedis(redis.port);
    // ioredis reconnects by itself (backoff capped at 2 s).
    for (let i = 0; i < 100 && (await auth.get('/readyz')).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await auth.get('/readyz')).status).toBe(200);

    // The first attempt could not write the deny-list (the restarted Redis is empty); the retry does, although the
    // session is already revoked in PostgreSQL.
    const probe = createRedis(redis.url, { name: 'auth-test', logger });
    await probe.connect();
    try {
      const revocations = createRevocationList(probe);
      const jti = JSON.parse(Buffer.from(a.tokens.accessToken.split('.')[1]!, 'base64url').toString()).jti as string;
      expect(await revocations.isDenied({ sid: a.tokens.sessionId, jti })).toBe(false);
      const retried = await logout();
      expect(retried.status).toBe(204);
      expect(await revocations.isDenied({ sid: a.tokens.sessionId, jti })).toBe(true);
    } finally {
      probe.disconnect();
    }
    expectError(await auth.get('/api/auth/me', { bearer: a.tokens.accessToken }), 401, 'unauthorized');
    // The other session was never touched and works again.
    expect((await auth.get('/api/auth/me', { bearer: b.tokens.accessToken })).status).toBe(200);
    expect((await auth.post('/api/auth/refresh', { refreshToken: b.refreshToken })).status).toBe(200);
  });
});
