import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { callRpc, createAccessTokenVerifier } from '@cipherlink/kit';
import { Jwks, rpc, streams, subjects, TokenResponse, UserRegisteredEvent } from '@cipherlink/proto';
import { hashRefreshToken } from '../src/domain/refresh-token';
import { expectCookieCleared, expectError, ORIGIN, PASSWORD, sessionTokens, startAuth, type AuthInstance } from './harness';
import { refreshCookieOf, uniqueName, type HttpResult } from './http-client';

let auth: AuthInstance;

beforeAll(async () => {
  auth = await startAuth({ REFRESH_GRACE_SECONDS: '2' });
});

afterAll(async () => {
  await auth?.close();
});

describe('register', () => {
  it('creates an account, lowercases the username and refuses the same name in another case with 409', async () => {
    const name = uniqueName('Case');
    const user = await auth.register(name);
    expect(user.username).toBe(name.toLowerCase());
    const dup = await auth.post('/api/auth/register', { json: { username: name.toUpperCase(), password: PASSWORD } });
    expectError(dup, 409, 'conflict');
    expect(dup.body.error.message).toMatch(/already taken/);
    const { rows } = await auth.db.query<{ password_hash: string }>('SELECT password_hash FROM auth_users WHERE id = $1', [user.id]);
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('answers bad bodies with a 4xx in the error shape, never a 500', async () => {
    const post = auth.post;
    const cases: [HttpResult, number, string][] = [
      [await post('/api/auth/register', { json: { username: uniqueName() } }), 400, 'bad_request'],
      [await post('/api/auth/register', { json: { username: 42, password: ['x'] } }), 400, 'bad_request'],
      [await post('/api/auth/register', { json: { username: 'ab', password: 'short' } }), 400, 'bad_request'],
      [await post('/api/auth/register', { json: { username: uniqueName(), password: PASSWORD, admin: true } }), 400, 'bad_request'],
      [await post('/api/auth/register', { raw: '{"username": "abc", ' }), 400, 'bad_request'],
      [await post('/api/auth/register', { raw: 'username=abc', contentType: 'text/plain' }), 400, 'bad_request'],
      [await post('/api/auth/register'), 400, 'bad_request'],
      [await post('/api/auth/register', { json: { username: uniqueName(), password: 'x'.repeat(70_000) } }), 413, 'payload_too_large'],
      [await post('/api/auth/login', { json: { username: 'abc' } }), 400, 'bad_request'],
      [await post('/api/auth/login', { json: [] }), 400, 'bad_request'],
    ];
    for (const [res, status, code] of cases) expectError(res, status, code);
    const invalid = cases[0]![0].body as { error: { details: { path: string }[] } };
    expect(invalid.error.details.map((d) => d.path)).toContain('password');
  });

  it('requires 15 characters (code points) of password', async () => {
    const short = await auth.post('/api/auth/register', { json: { username: uniqueName(), password: 'fourteen chars' } });
    expectError(short, 400, 'bad_request');
    expect(short.body.error.details).toEqual([{ path: 'password', message: 'password must be at least 15 characters' }]);
    expect((await auth.post('/api/auth/register', { json: { username: uniqueName(), password: '🔑🔒🔑🔒🔑🔒🔑🔒🔑🔒🔑🔒🔑🔒🔑' } })).status).toBe(201);
  });

  it('refuses passwords containing the username or the product name, or one repeated character, with clear 400s', async () => {
    const username = uniqueName('pol');
    const cases: [string, string][] = [
      [`my name is ${username.toUpperCase()}`, 'password must not contain your username'],
      ['my CipherLink password', 'password must not contain the name "CipherLink"'],
      ['z'.repeat(20), 'password must not be a single repeated character'],
    ];
    for (const [password, message] of cases) {
      const res = await auth.post('/api/auth/register', { json: { username, password } });
      expectError(res, 400, 'bad_request');
      expect(res.body.error.message).toBe(message);
      expect(res.body.error.details).toEqual([{ path: 'password', message }]);
    }
    // Nothing was created along the way.
    expect((await auth.db.query('SELECT 1 FROM auth_users WHERE username_lower = $1', [username])).rowCount).toBe(0);
  });

  it('publishes user-registered to JetStream with the user id as message id', async () => {
    const before = (await auth.nats.jsm.streams.info(streams.events.name)).state.last_seq;
    const user = await auth.register();
    const after = (await auth.nats.jsm.streams.info(streams.events.name)).state.last_seq;
    let found: { data: unknown; msgId: string | undefined } | undefined;
    for (let seq = after; seq > before && !found; seq--) {
      const m = await auth.nats.jsm.streams.getMessage(streams.events.name, { seq }).catch(() => undefined);
      if (m?.subject !== subjects.evt.userRegistered) continue;
      const data = UserRegisteredEvent.parse(m.json());
      if (data.userId === user.id) found = { data, msgId: m.header.get('Nats-Msg-Id') };
    }
    expect(found?.data).toMatchObject({ v: 1, userId: user.id, username: user.username });
    expect(found?.msgId).toBe(user.id);
  });
});

describe('login', () => {
  it('returns a verifiable ES256 access token and a locked-down refresh cookie', async () => {
    const user = await auth.register();
    const { res, tokens, refreshToken } = await auth.login(user.username.toUpperCase());
    expect(tokens.user).toEqual(user);
    expect(tokens.expiresIn).toBe(900);
    expect(decodeProtectedHeader(tokens.accessToken)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });

    const cookie = refreshCookieOf(res)!;
    expect(Buffer.from(refreshToken, 'base64url')).toHaveLength(32);
    expect(cookie.attributes.has('httponly')).toBe(true);
    expect(cookie.attributes.get('samesite')).toBe('Strict');
    expect(cookie.attributes.get('path')).toBe('/api/auth');
    expect(cookie.attributes.get('max-age')).toBe(String(30 * 86_400));
    expect(cookie.attributes.has('secure')).toBe(false); // COOKIE_SECURE=auto over plain http

    // Only the hash is stored.
    const { rows } = await auth.db.query('SELECT 1 FROM auth_refresh_tokens WHERE token_hash = $1', [hashRefreshToken(refreshToken)]);
    expect(rows).toHaveLength(1);
    const session = await auth.db.query('SELECT user_id, ip FROM auth_sessions WHERE id = $1', [tokens.sessionId]);
    // The full client address is not stored (only its /24 or /48).
    expect(session.rows[0]).toEqual({ user_id: user.id, ip: null });

    // Verifies with kit's verifier fed by the JWKS over NATS, as other services do.
    const verifier = createAccessTokenVerifier({ fetchJwks: () => callRpc(auth.nats, rpc.authJwks, {}) });
    expect(await verifier.verify(tokens.accessToken)).toMatchObject({ sub: user.id, sid: tokens.sessionId, name: user.username });

    const me = await auth.get('/api/auth/me', { bearer: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user });
  });

  it('gives the same 401 for a wrong password and an unknown user', async () => {
    const user = await auth.register();
    const wrong = await auth.post('/api/auth/login', { json: { username: user.username, password: 'not the password' } });
    const unknown = await auth.post('/api/auth/login', { json: { username: uniqueName('nobody'), password: PASSWORD } });
    for (const res of [wrong, unknown]) {
      expectError(res, 401, 'unauthorized');
      expect(res.body.error.message).toBe('invalid username or password');
      expect(refreshCookieOf(res)).toBeUndefined();
    }
  });

  it('refuses /me without or with a bad bearer token', async () => {
    expectError(await auth.get('/api/auth/me'), 401, 'unauthorized');
    expectError(await auth.get('/api/auth/me', { bearer: 'a.b.c' }), 401, 'unauthorized');
  });
});

describe('refresh', () => {
  it('rotates the token: new cookie, new access token, old token row marked rotated with its successor', async () => {
    const user = await auth.register();
    const { tokens, refreshToken } = await auth.login(user.username);
    const res = await auth.post('/api/auth/refresh', { refreshToken, headers: { origin: ORIGIN } });
    expect(res.status).toBe(200);
    const next = refreshCookieOf(res)!.value;
    expect(next).not.toBe(refreshToken);
    const body = TokenResponse.parse(res.body);
    expect(body.sessionId).toBe(tokens.sessionId);
    expect(body.user).toEqual(user);
    expect(body.accessToken).not.toBe(tokens.accessToken);

    const rows = await sessionTokens(auth.db, tokens.sessionId);
    const old = rows.find((r) => r.token_hash.equals(hashRefreshToken(refreshToken)))!;
    const fresh = rows.find((r) => r.token_hash.equals(hashRefreshToken(next)))!;
    expect(old.rotated_at).not.toBeNull();
    expect(old.successor_id).toBe(fresh.id);
    expect(fresh.parent_id).toBe(old.id);
    expect(fresh.rotated_at).toBeNull();
    // Absolute lifetime: the successor expires with the session, not 30 days after this refresh.
    expect(fresh.expires_at.getTime()).toBe(old.expires_at.getTime());
    expect(Number(refreshCookieOf(res)!.attributes.get('max-age'))).toBeLessThanOrEqual(30 * 86_400);
    // The successor is kept only sealed (no plaintext anywhere in the row).
    expect(old.successor_sealed).toHaveLength(61);
    expect(old.successor_sealed!.includes(Buffer.from(next, 'base64url'))).toBe(false);
  });

  it('refuses a missing, malformed or unknown cookie with 401 and clears it', async () => {
    for (const refreshToken of [undefined, 'garbage', Buffer.alloc(32, 7).toString('base64url')]) {
      const res = await auth.post('/api/auth/refresh', refreshToken === undefined ? {} : { refreshToken });
      expectError(res, 401, 'unauthorized');
      expectCookieCleared(res);
    }
  });

  it('refuses a foreign Origin with 403 and leaves the token usable', async () => {
    const user = await auth.register();
    const { refreshToken } = await auth.login(user.username);
    expectError(await auth.post('/api/auth/refresh', { refreshToken, headers: { origin: 'https://evil.example' } }), 403, 'forbidden');
    expectError(await auth.post('/api/auth/logout', { refreshToken, headers: { origin: 'https://evil.example' } }), 403, 'forbidden');
    expect((await auth.post('/api/auth/refresh', { refreshToken, headers: { origin: ORIGIN } })).status).toBe(200);
  });
});

describe('logout', () => {
  it('revokes the session and its tokens and clears the cookie', async () => {
    const user = await auth.register();
    const { tokens, refreshToken } = await auth.login(user.username);
    const res = await auth.post('/api/auth/logout', { refreshToken, headers: { origin: ORIGIN } });
    expect(res.status).toBe(204);
    expectCookieCleared(res);
    const session = await auth.db.query('SELECT revoked_reason FROM auth_sessions WHERE id = $1', [tokens.sessionId]);
    expect(session.rows[0]).toEqual({ revoked_reason: 'logout' });
    expectError(await auth.post('/api/auth/refresh', { refreshToken }), 401, 'unauthorized');
    expectError(await auth.get('/api/auth/me', { bearer: tokens.accessToken }), 401, 'unauthorized');
  });

  it('ends the session named by a bearer token when there is no cookie', async () => {
    const user = await auth.register();
    const { tokens, refreshToken } = await auth.login(user.username);
    expect((await auth.post('/api/auth/logout', { bearer: tokens.accessToken })).status).toBe(204);
    expectError(await auth.post('/api/auth/refresh', { refreshToken }), 401, 'unauthorized');
  });

  it('answers 204 even without credentials', async () => {
    expect((await auth.post('/api/auth/logout')).status).toBe(204);
  });
});

describe('jwks', () => {
  it('serves the same public-only key set over HTTP (both paths) and NATS, containing the signing kid', async () => {
    const user = await auth.register();
    const { tokens } = await auth.login(user.username);
    const { kid } = decodeProtectedHeader(tokens.accessToken);
    const overNats = await callRpc(auth.nats, rpc.authJwks, {});
    const a = await auth.get('/api/auth/jwks');
    const b = await auth.get('/.well-known/jwks.json');
    expect(a.status).toBe(200);
    // Cached for less than the publish delay of a rotated-in key (60 s by default).
    expect(a.headers.get('cache-control')).toBe('public, max-age=30');
    expect(b.body).toEqual(a.body);
    expect(Jwks.parse(a.body)).toEqual(overNats);
    expect(overNats.keys.map((k) => k.kid)).toContain(kid);
    for (const key of a.body.keys as Record<string, unknown>[]) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    }
  });

  it('reports ready', async () => {
    const res = await auth.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual([
      { name: 'auth:postgres', ok: true },
      { name: 'auth:redis', ok: true },
      { name: 'auth:nats', ok: true },
    ]);
  });
});
