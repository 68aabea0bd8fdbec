import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  connectNats,
  createAccessTokenVerifier,
  createHttpApp,
  createPgPool,
  type FastifyInstance,
  type Nats,
  type Service,
} from '@cipherlink/kit';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYPE, AUTH_AUDIENCE, AUTH_ISSUER, MemberAddedEvent, subjects, type Jwks } from '@cipherlink/proto';
import { createDirectoryService } from '../src';
import { createDirectoryStore } from '../src/store/directory-store';
import { config, fakePublicKey, logger, uniqueUsername } from './support';

// Route tests without the auth service: tokens are signed here and the service verifies them with this key set.
// services/runner/test/directory.test.ts covers the same routes with real auth-issued tokens.
const kid = 'directory-test-key';
const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALG);
const jwks: Jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALG, use: 'sig' } as Jwks['keys'][number]] };

const tokenFor = (user: { id: string; username: string }) =>
  new SignJWT({ name: user.username, sid: randomUUID() })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYPE, kid })
    .setIssuer(AUTH_ISSUER)
    .setAudience(AUTH_AUDIENCE)
    .setSubject(user.id)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

let service: Service;
let app: FastifyInstance;
let nats: Nats;

interface Caller {
  id: string;
  username: string;
  token: string;
}
async function newCaller(): Promise<Caller> {
  const user = { id: randomUUID(), username: uniqueUsername() };
  return { ...user, token: await tokenFor(user) };
}
async function call(caller: Caller | undefined, method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) {
  const res = await app.inject({
    method,
    url,
    headers: caller ? { authorization: `Bearer ${caller.token}` } : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: res.json() };
}
/** Callers become known by registering a device (their row is created from the token). */
const register = async (caller: Caller) => (await call(caller, 'PUT', '/api/directory/devices', { publicKey: fakePublicKey() })).body.device;

beforeAll(async () => {
  service = createDirectoryService(config, { logger, verifier: createAccessTokenVerifier({ fetchJwks: async () => jwks }) });
  await service.migrate?.();
  await service.start();
  app = createHttpApp({ logger });
  await app.register(service.routes!);
  await app.ready();
  nats = await connectNats({ url: config.NATS_URL, name: 'directory-routes-test', logger });
});
afterAll(async () => {
  await app?.close();
  await nats?.close();
  await service?.stop();
});

describe('directory routes', () => {
  it('refuses anonymous and forged callers with 401 before reading the body', async () => {
    const forged = { ...(await newCaller()), token: 'a.b.c' };
    for (const caller of [undefined, forged]) {
      const res = await call(caller, 'GET', '/api/directory/conversations');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    const malformed = await app.inject({ method: 'POST', url: '/api/directory/dms', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(malformed.statusCode).toBe(401);
  });

  it('registers a device idempotently and serves public keys to any authenticated user', async () => {
    const [owner, reader] = [await newCaller(), await newCaller()];
    const key = fakePublicKey();
    const first = await call(owner, 'PUT', '/api/directory/devices', { publicKey: key });
    expect(first.status).toBe(201);
    expect(first.body.device).toMatchObject({ userId: owner.id, publicKey: key });
    const again = await call(owner, 'PUT', '/api/directory/devices', { publicKey: key });
    expect(again).toEqual({ status: 200, body: first.body });

    const devices = await call(reader, 'GET', `/api/directory/users/${owner.id}/devices`);
    expect(devices).toEqual({ status: 200, body: { devices: [first.body.device] } });
    expect((await call(reader, 'GET', `/api/directory/users/${randomUUID()}/devices`)).status).toBe(404);
    expect((await call(reader, 'GET', '/api/directory/users/not-a-uuid/devices')).status).toBe(400);
  });

  it("answers a user's own keys before the user-registered event arrived (first sign-in), and 404 to a stranger", async () => {
    const fresh = await newCaller(); // no directory row yet: only the token says who this is
    const own = await call(fresh, 'GET', `/api/directory/users/${fresh.id}/keys`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ userId: fresh.id, identityKey: null, devices: [] });
    const stranger = await newCaller();
    expect((await call(stranger, 'GET', `/api/directory/users/${fresh.id}/keys`)).status).toBe(404);
  });

  it('rejects a bad public key with 400 and the error shape', async () => {
    const caller = await newCaller();
    for (const body of [{ publicKey: 'short' }, { publicKey: `${fakePublicKey()}A` }, {}, { publicKey: fakePublicKey(), extra: true }]) {
      const res = await call(caller, 'PUT', '/api/directory/devices', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
  });

  it('looks users up by username, case-insensitively', async () => {
    const [me, them] = [await newCaller(), await newCaller()];
    await register(them);
    const res = await call(me, 'GET', `/api/directory/users/by-username/${them.username.toUpperCase()}`);
    expect(res).toEqual({ status: 200, body: { user: { id: them.id, username: them.username } } });
    expect((await call(me, 'GET', `/api/directory/users/by-username/${uniqueUsername()}`)).status).toBe(404);
    expect((await call(me, 'GET', '/api/directory/users/by-username/a')).status).toBe(400);
  });

  it('opens a DM once (announcing both members), returns it again, and shows it only to members', async () => {
    const [me, peer, stranger] = [await newCaller(), await newCaller(), await newCaller()];
    await register(peer);
    const announced: MemberAddedEvent[] = [];
    const sub = nats.nc.subscribe(subjects.evt.memberAddedAll, { callback: (_e, m) => void announced.push(MemberAddedEvent.parse(m.json())) });
    await nats.nc.flush();

    const opened = await call(me, 'POST', '/api/directory/dms', { peerUserId: peer.id });
    expect(opened.status).toBe(201);
    const conv = opened.body.conversation;
    expect(conv.kind).toBe('dm');
    expect(conv.members.map((m: { id: string }) => m.id).sort()).toEqual([me.id, peer.id].sort());

    const reopened = await call(peer, 'POST', '/api/directory/dms', { peerUserId: me.id });
    expect(reopened).toEqual({ status: 200, body: opened.body });

    await new Promise((r) => setTimeout(r, 300));
    sub.unsubscribe();
    const mine = announced.filter((e) => e.conversationId === conv.id);
    expect(mine.map((e) => e.userId).sort()).toEqual([me.id, peer.id].sort());

    expect(await call(me, 'GET', `/api/directory/conversations/${conv.id}`)).toEqual({ status: 200, body: opened.body });
    const hidden = await call(stranger, 'GET', `/api/directory/conversations/${conv.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('not_found');
    expect((await call(me, 'GET', `/api/directory/conversations/${randomUUID()}`)).status).toBe(404);
    expect((await call(me, 'GET', '/api/directory/conversations')).body.conversations.map((c: { id: string }) => c.id)).toEqual([conv.id]);
    expect((await call(stranger, 'GET', '/api/directory/conversations')).body).toEqual({ conversations: [] });
  });

  it('refuses a deleted account whose token is still around, and never recreates it', async () => {
    const gone = await newCaller();
    await register(gone);
    const pool = createPgPool(config.DATABASE_URL, { applicationName: 'directory-routes-test' });
    try {
      expect(await createDirectoryStore(pool).users.remove(gone.id)).toBe('removed');
      const res = await call(gone, 'PUT', '/api/directory/devices', { publicKey: fakePublicKey() });
      expect(res).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: 'account deleted' } } });
      const { rowCount } = await pool.query('SELECT 1 FROM directory_users WHERE id = $1', [gone.id]);
      expect(rowCount).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('refuses a DM with yourself (400) or with an unknown user (404)', async () => {
    const me = await newCaller();
    const self = await call(me, 'POST', '/api/directory/dms', { peerUserId: me.id });
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe('bad_request');
    expect((await call(me, 'POST', '/api/directory/dms', { peerUserId: randomUUID() })).status).toBe(404);
    expect((await call(me, 'POST', '/api/directory/dms', { peerUserId: 'nope' })).status).toBe(400);
  });
});

describe('the per-user API limit', () => {
  it('answers the request past the budget with 429 and Retry-After, per user, never 5xx', async () => {
    // A second instance with a budget of 3 a minute: same code, same Redis counters (limiter "api").
    const limited = createDirectoryService({ ...config, RATE_LIMIT_API_PER_MINUTE: 3 }, { logger, verifier: createAccessTokenVerifier({ fetchJwks: async () => jwks }) });
    await limited.start();
    const limitedApp = createHttpApp({ logger });
    try {
      await limitedApp.register(limited.routes!);
      await limitedApp.ready();
      const [spender, other] = [await newCaller(), await newCaller()];
      const get = (caller: Caller) =>
        limitedApp.inject({ method: 'GET', url: '/api/directory/conversations', headers: { authorization: `Bearer ${caller.token}` } });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await get(spender)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await get(spender);
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ error: { code: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } } });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Another user's budget is untouched; an anonymous caller is refused before any budget is spent.
      expect((await get(other)).statusCode).toBe(200);
      expect((await limitedApp.inject({ method: 'GET', url: '/api/directory/conversations' })).statusCode).toBe(401);
    } finally {
      await limitedApp.close();
      await limited.stop();
    }
  });
});
