import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { decodeProtectedHeader } from 'jose';
import {
  callRpc,
  connectNats,
  createAccessTokenVerifier,
  createLogger,
  runServices,
  type Nats,
  type RunningServices,
} from '@cipherlink/kit';
import { ErrorBody, Jwks, RegisterResponse, rpc, streams, subjects, TokenResponse, UserRegisteredEvent } from '@cipherlink/proto';
import { createAuthService, loadAuthConfig } from '../src';
import { hashRefreshToken } from '../src/domain/refresh-token';
import { http, refreshCookieOf, uniqueName, type HttpResult } from './http-client';

const GRACE_SECONDS = 2;
const ORIGIN = 'http://app.cipherlink.test';
const PASSWORD = 'correct horse battery staple';
const logger = createLogger({ name: 'auth-test', level: (process.env.LOG_LEVEL as 'silent' | undefined) ?? 'silent' });

let running: RunningServices;
let base: string;
let db: pg.Pool;
let nats: Nats;

beforeAll(async () => {
  const config = loadAuthConfig({
    ...process.env,
    HTTP_PORT: '0',
    REFRESH_GRACE_SECONDS: String(GRACE_SECONDS),
    ALLOWED_ORIGINS: ORIGIN,
  });
  running = await runServices({ services: [createAuthService(config, { logger })], host: '127.0.0.1', port: 0, logger });
  base = running.url;
  db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
  nats = await connectNats({ url: config.NATS_URL, name: 'auth-test', logger });
});

afterAll(async () => {
  await running?.close();
  await db?.end();
  await nats?.close();
});

const post = (path: string, opts?: Parameters<typeof http>[3]) => http(base, 'POST', path, opts);

async function register(username = uniqueName()) {
  const res = await post('/api/auth/register', { json: { username, password: PASSWORD } });
  expect(res.status).toBe(201);
  return RegisterResponse.parse(res.body).user;
}

async function login(username: string) {
  const res = await post('/api/auth/login', { json: { username, password: PASSWORD } });
  expect(res.status).toBe(200);
  return { res, tokens: TokenResponse.parse(res.body), refreshToken: refreshCookieOf(res)!.value };
}

function expectError(res: HttpResult, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(ErrorBody.parse(res.body).error.code).toBe(code);
}

function expectCookieCleared(res: HttpResult) {
  const cookie = refreshCookieOf(res);
  expect(cookie?.value).toBe('');
  expect(cookie?.attributes.get('path')).toBe('/api/auth');
  const expires = cookie?.attributes.get('expires');
  expect(expires && new Date(expires).getTime()).toBeLessThan(Date.now());
}

async function sessionTokens(sessionId: string) {
  const { rows } = await db.query<{ id: string; token_hash: Buffer; parent_id: string | null; successor_id: string | null; rotated_at: Date | null; revoked_at: Date | null }>(
    'SELECT id, token_hash, parent_id, successor_id, rotated_at, revoked_at FROM auth_refresh_tokens WHERE session_id = $1',
    [sessionId],
  );
  return rows;
}

describe('register', () => {
  it('creates an account, lowercases the username and refuses the same name in another case with 409', async () => {
    const name = uniqueName('Case');
    const user = await register(name);
    expect(user.username).toBe(name.toLowerCase());
    const dup = await post('/api/auth/register', { json: { username: name.toUpperCase(), password: PASSWORD } });
    expectError(dup, 409, 'conflict');
    const { rows } = await db.query<{ password_hash: string }>('SELECT password_hash FROM auth_users WHERE id = $1', [user.id]);
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('answers bad bodies with a 4xx in the error shape, never a 500', async () => {
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

  it('publishes user-registered to JetStream with the user id as message id', async () => {
    const before = (await nats.jsm.streams.info(streams.events.name)).state.last_seq;
    const user = await register();
    const after = (await nats.jsm.streams.info(streams.events.name)).state.last_seq;
    let found: { data: unknown; msgId: string | undefined } | undefined;
    for (let seq = after; seq > before && !found; seq--) {
      const m = await nats.jsm.streams.getMessage(streams.events.name, { seq }).catch(() => undefined);
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
    const user = await register();
    const { res, tokens, refreshToken } = await login(user.username.toUpperCase());
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
    const { rows } = await db.query('SELECT 1 FROM auth_refresh_tokens WHERE token_hash = $1', [hashRefreshToken(refreshToken)]);
    expect(rows).toHaveLength(1);
    const session = await db.query('SELECT user_id, user_agent FROM auth_sessions WHERE id = $1', [tokens.sessionId]);
    expect(session.rows[0]).toMatchObject({ user_id: user.id });

    // Verifies with kit's verifier fed by the JWKS over NATS, as other services do.
    const verifier = createAccessTokenVerifier({ fetchJwks: () => callRpc(nats, rpc.authJwks, {}) });
    expect(await verifier.verify(tokens.accessToken)).toMatchObject({ sub: user.id, sid: tokens.sessionId, name: user.username });

    const me = await http(base, 'GET', '/api/auth/me', { bearer: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user });
  });

  it('gives the same 401 for a wrong password and an unknown user', async () => {
    const user = await register();
    const wrong = await post('/api/auth/login', { json: { username: user.username, password: 'not the password' } });
    const unknown = await post('/api/auth/login', { json: { username: uniqueName('nobody'), password: PASSWORD } });
    for (const res of [wrong, unknown]) {
      expectError(res, 401, 'unauthorized');
      expect(res.body.error.message).toBe('invalid username or password');
      expect(refreshCookieOf(res)).toBeUndefined();
    }
  });

  it('refuses /me without or with a bad bearer token', async () => {
    expectError(await http(base, 'GET', '/api/auth/me'), 401, 'unauthorized');
    expectError(await http(base, 'GET', '/api/auth/me', { bearer: 'a.b.c' }), 401, 'unauthorized');
  });
});

describe('refresh', () => {
  it('rotates the token: new cookie, new access token, old token row marked rotated with its successor', async () => {
    const user = await register();
    const { tokens, refreshToken } = await login(user.username);
    const res = await post('/api/auth/refresh', { refreshToken, headers: { origin: ORIGIN } });
    expect(res.status).toBe(200);
    const next = refreshCookieOf(res)!.value;
    expect(next).not.toBe(refreshToken);
    const body = TokenResponse.parse(res.body);
    expect(body.sessionId).toBe(tokens.sessionId);
    expect(body.user).toEqual(user);
    expect(body.accessToken).not.toBe(tokens.accessToken);

    const rows = await sessionTokens(tokens.sessionId);
    const old = rows.find((r) => r.token_hash.equals(hashRefreshToken(refreshToken)))!;
    const fresh = rows.find((r) => r.token_hash.equals(hashRefreshToken(next)))!;
    expect(old.rotated_at).not.toBeNull();
    expect(old.successor_id).toBe(fresh.id);
    expect(fresh.parent_id).toBe(old.id);
    expect(fresh.rotated_at).toBeNull();
  });

  it('treats a replay after the grace window as theft: 401, cookie cleared, the newest token revoked too', async () => {
    const user = await register();
    const { tokens, refreshToken } = await login(user.username);
    const first = await post('/api/auth/refresh', { refreshToken });
    expect(first.status).toBe(200);
    const newest = refreshCookieOf(first)!.value;

    await new Promise((r) => setTimeout(r, GRACE_SECONDS * 1000 + 500));
    const replay = await post('/api/auth/refresh', { refreshToken });
    expectError(replay, 401, 'unauthorized');
    expectCookieCleared(replay);

    expectError(await post('/api/auth/refresh', { refreshToken: newest }), 401, 'unauthorized');
    const session = await db.query('SELECT revoked_at, revoked_reason FROM auth_sessions WHERE id = $1', [tokens.sessionId]);
    expect(session.rows[0]).toMatchObject({ revoked_reason: 'refresh_token_reuse' });
    expect((await sessionTokens(tokens.sessionId)).every((r) => r.revoked_at !== null)).toBe(true);
    expectError(await http(base, 'GET', '/api/auth/me', { bearer: tokens.accessToken }), 401, 'unauthorized');
  });

  it('answers ten parallel refreshes of one token with 200s and keeps exactly one chain with one live token', async () => {
    const user = await register();
    const { tokens, refreshToken } = await login(user.username);
    const results = await Promise.all(Array.from({ length: 10 }, () => post('/api/auth/refresh', { refreshToken, headers: { origin: ORIGIN } })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const issued = results.map((r) => refreshCookieOf(r)!.value);
    expect(new Set(issued).size).toBe(10);
    for (const r of results) expect(TokenResponse.parse(r.body).sessionId).toBe(tokens.sessionId);

    const rows = await sessionTokens(tokens.sessionId);
    expect(rows).toHaveLength(11);
    expect(rows.filter((r) => r.revoked_at !== null)).toHaveLength(0);
    const live = rows.filter((r) => r.rotated_at === null);
    expect(live).toHaveLength(1);
    // Walk the chain from the login token: it must visit every token exactly once and end at the live one.
    const byId = new Map(rows.map((r) => [r.id, r]));
    let cursor = rows.find((r) => r.token_hash.equals(hashRefreshToken(refreshToken)));
    const visited: string[] = [];
    while (cursor) {
      visited.push(cursor.id);
      const next = cursor.successor_id ? byId.get(cursor.successor_id) : undefined;
      if (next) expect(next.parent_id).toBe(cursor.id);
      cursor = next;
    }
    expect(new Set(visited).size).toBe(11);
    expect(visited.at(-1)).toBe(live[0]!.id);

    // The live token is one of those handed out, and it keeps working.
    const liveToken = issued.find((t) => hashRefreshToken(t).equals(live[0]!.token_hash));
    expect(liveToken).toBeDefined();
    expect((await post('/api/auth/refresh', { refreshToken: liveToken! })).status).toBe(200);
  });

  it('serializes racers that present different tokens of one chain (a grace replay and the live token)', async () => {
    const user = await register();
    const { tokens, refreshToken: first } = await login(user.username);
    const second = refreshCookieOf(await post('/api/auth/refresh', { refreshToken: first }))!.value;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => post('/api/auth/refresh', { refreshToken: i % 2 ? first : second })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const rows = await sessionTokens(tokens.sessionId);
    expect(rows).toHaveLength(12);
    expect(rows.filter((r) => r.rotated_at === null && r.revoked_at === null)).toHaveLength(1);
    expect(rows.filter((r) => r.revoked_at !== null)).toHaveLength(0);
  });

  it('refuses a missing, malformed or unknown cookie with 401 and clears it', async () => {
    for (const refreshToken of [undefined, 'garbage', Buffer.alloc(32, 7).toString('base64url')]) {
      const res = await post('/api/auth/refresh', refreshToken === undefined ? {} : { refreshToken });
      expectError(res, 401, 'unauthorized');
      expectCookieCleared(res);
    }
  });

  it('refuses a foreign Origin with 403 and leaves the token usable', async () => {
    const user = await register();
    const { refreshToken } = await login(user.username);
    expectError(await post('/api/auth/refresh', { refreshToken, headers: { origin: 'https://evil.example' } }), 403, 'forbidden');
    expectError(await post('/api/auth/logout', { refreshToken, headers: { origin: 'https://evil.example' } }), 403, 'forbidden');
    expect((await post('/api/auth/refresh', { refreshToken, headers: { origin: ORIGIN } })).status).toBe(200);
  });
});

describe('logout', () => {
  it('revokes the session and its tokens and clears the cookie', async () => {
    const user = await register();
    const { tokens, refreshToken } = await login(user.username);
    const res = await post('/api/auth/logout', { refreshToken, headers: { origin: ORIGIN } });
    expect(res.status).toBe(204);
    expectCookieCleared(res);
    const session = await db.query('SELECT revoked_reason FROM auth_sessions WHERE id = $1', [tokens.sessionId]);
    expect(session.rows[0]).toEqual({ revoked_reason: 'logout' });
    expectError(await post('/api/auth/refresh', { refreshToken }), 401, 'unauthorized');
    expectError(await http(base, 'GET', '/api/auth/me', { bearer: tokens.accessToken }), 401, 'unauthorized');
  });

  it('ends the session named by a bearer token when there is no cookie', async () => {
    const user = await register();
    const { tokens, refreshToken } = await login(user.username);
    expect((await post('/api/auth/logout', { bearer: tokens.accessToken })).status).toBe(204);
    expectError(await post('/api/auth/refresh', { refreshToken }), 401, 'unauthorized');
  });

  it('answers 204 even without credentials', async () => {
    expect((await post('/api/auth/logout')).status).toBe(204);
  });
});

describe('jwks', () => {
  it('serves the same public-only key set over HTTP (both paths) and NATS, containing the signing kid', async () => {
    const user = await register();
    const { tokens } = await login(user.username);
    const { kid } = decodeProtectedHeader(tokens.accessToken);
    const overNats = await callRpc(nats, rpc.authJwks, {});
    const a = await http(base, 'GET', '/api/auth/jwks');
    const b = await http(base, 'GET', '/.well-known/jwks.json');
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(Jwks.parse(a.body)).toEqual(overNats);
    expect(overNats.keys.map((k) => k.kid)).toContain(kid);
    for (const key of a.body.keys as Record<string, unknown>[]) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    }
  });

  it('reports ready', async () => {
    const res = await http(base, 'GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual([
      { name: 'auth:postgres', ok: true },
      { name: 'auth:nats', ok: true },
    ]);
  });
});
