import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import WebSocket from 'ws';
import { WsCloseCode } from '@cipherlink/proto';
import { connectRedis, createLogger, createRedis, createRevocationList, type Redis } from '@cipherlink/kit';
import { startPrivateRedis } from '@cipherlink/kit/testing';
import { jtiOf, newUser, Session, type TestUser } from './accounts';
import { DirectoryHold } from './directory-hold';
import { readySocket, sleep, startGateway, TestSocket, type GatewayUnderTest } from './gateway-under-test';
import { gatewayTestDatabaseUrl, startBackend, type Backend } from './service-processes';

/**
 * What the gateway does about ended sessions and abusive sockets, against the real auth and directory services on
 * real NATS, PostgreSQL and Redis: sessions ended at auth close their sockets (4003), denied tokens are refused
 * (4001), the per-socket frame budget answers `rate_limited` and closes floods (1008), and a Redis outage refuses
 * sockets (1013).
 */

let backend: Backend;
let db: pg.Pool;
let redis: Redis;
const gateways: GatewayUnderTest[] = [];
let wsUrl: string;

async function gateway(env: Record<string, string> = {}): Promise<GatewayUnderTest> {
  const started = await startGateway(env);
  gateways.push(started);
  return started;
}

beforeAll(async () => {
  backend = await startBackend();
  db = new pg.Pool({ connectionString: gatewayTestDatabaseUrl('gateway-test-control'), max: 4 });
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'gateway-session-test', logger: createLogger({ name: 'gateway-session-test', level: 'silent' }) });
  await connectRedis(redis);
  ({ wsUrl } = await gateway());
});
afterAll(async () => {
  for (const g of gateways) await g.running.close();
  await redis?.quit();
  await db?.end();
  await backend?.close();
});

/** Another signed-in session of `user` (another browser). */
async function secondSession(user: TestUser): Promise<Session> {
  const session = await Session.login(backend, user.username);
  expect(session.id).not.toBe(user.session.id);
  return session;
}

/**
 * An access token of `stranger` that carries `session`'s id, which auth never issues (session ids are random and
 * belong to one user). Made with auth itself: the session's row is lent to the stranger while auth refreshes it,
 * then given back.
 */
async function strangerTokenWithSessionOf(session: Session, stranger: TestUser): Promise<string> {
  const owner = session.userId;
  await db.query('UPDATE auth_sessions SET user_id = $1 WHERE id = $2', [stranger.userId, session.id]);
  try {
    const res = await session.auth('POST', '/api/auth/refresh');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ sessionId: session.id, user: { id: stranger.userId } });
    return res.body.accessToken as string;
  } finally {
    await db.query('UPDATE auth_sessions SET user_id = $1 WHERE id = $2', [owner, session.id]);
  }
}

describe('revoked sessions', () => {
  it('closes every socket of a revoked session with 4003 within 1 s; another session of the same user stays', async () => {
    const [alice, bob] = await Promise.all([newUser(backend), newUser(backend)]);
    const s1 = alice.session;
    const s2 = await secondSession(alice);
    const tab1 = await readySocket(wsUrl, s1.accessToken, alice.deviceId);
    const tab2 = await readySocket(wsUrl, s1.accessToken, alice.deviceId);
    const otherSession = await readySocket(wsUrl, s2.accessToken, alice.deviceId);
    // Same session id under another user: an event for this user must never touch it.
    const stranger = await readySocket(wsUrl, await strangerTokenWithSessionOf(s1, bob), bob.deviceId);

    const at = Date.now();
    expect((await s1.auth('POST', '/api/auth/logout')).status).toBe(204);
    for (const socket of [tab1, tab2]) {
      const closed = await socket.closed;
      expect(closed).toMatchObject({ code: WsCloseCode.sessionRevoked, reason: 'session ended' });
      expect(closed.at - at).toBeLessThan(1_000);
    }
    await otherSession.stillServing();
    await stranger.stillServing();

    // Every session of the user (logout everywhere, account deleted).
    const at2 = Date.now();
    expect((await s2.auth('POST', '/api/auth/logout-all')).status).toBe(200);
    const closed = await otherSession.closed;
    expect(closed.code).toBe(WsCloseCode.sessionRevoked);
    expect(closed.at - at2).toBeLessThan(1_000);
    await stranger.stillServing();
    stranger.close();
  });

  it('closes a socket whose session is revoked while it is still authenticating', async () => {
    const alice = await newUser(backend);
    const other = await secondSession(alice);
    // The directory cannot answer the socket's conversation list until the hold is released.
    const hold = await DirectoryHold.start(db);
    try {
      const socket = await TestSocket.open(wsUrl);
      socket.authenticate(alice.session.accessToken, alice.deviceId);
      await hold.waitingListQuery(backend.directories.map((d) => d.applicationName));
      expect((await other.auth('DELETE', `/api/auth/sessions/${alice.session.id}`)).status).toBe(204);
      expect((await socket.closed).code).toBe(WsCloseCode.sessionRevoked);
      expect(socket.frames.some((f) => f.type === 'ready')).toBe(false);
    } finally {
      await hold.release();
    }
  });

  it('closes a socket whose session lands on the deny-list even when the revocation event never arrives', async () => {
    const { wsUrl: recheckUrl } = await gateway({ WS_SESSION_RECHECK_MS: '200' });
    const alice = await newUser(backend);
    const live = await secondSession(alice);
    const revoked = await readySocket(recheckUrl, alice.session.accessToken, alice.deviceId);
    const liveSocket = await readySocket(recheckUrl, live.accessToken, alice.deviceId);
    // Only the deny-list entry, written as auth writes it, as if this gateway had been cut off from NATS when auth
    // announced the revocation.
    await createRevocationList(redis).deny({ sessionIds: [alice.session.id] }, 60);
    const closed = await revoked.closed;
    expect(closed).toMatchObject({ code: WsCloseCode.sessionRevoked, reason: 'session ended' });
    await liveSocket.stillServing();
    liveSocket.close();
  });

  it('refuses a token whose session or token id is on the deny-list, like any invalid token', async () => {
    const alice = await newUser(backend);
    const live = await secondSession(alice);
    // Session denied: ended at auth from the user's other session.
    expect((await live.auth('DELETE', `/api/auth/sessions/${alice.session.id}`)).status).toBe(204);
    // Token id denied, its session live: auth denies a single token only together with an ending session, so the
    // entry is written as auth writes it.
    const deniedToken = live.accessToken;
    await createRevocationList(redis).deny({ jtis: [jtiOf(deniedToken)] }, 60);
    for (const token of [alice.session.accessToken, deniedToken]) {
      const socket = await TestSocket.open(wsUrl);
      socket.authenticate(token, alice.deviceId);
      expect(await socket.next('error')).toMatchObject({ code: 'unauthorized' });
      expect((await socket.closed).code).toBe(WsCloseCode.unauthorized);
      expect(socket.frames.some((f) => f.type === 'ready')).toBe(false);
    }
    // The same user with a live session still gets in.
    const ok = await readySocket(wsUrl, await live.refresh(), alice.deviceId);
    ok.close();
  });
});

describe('frame budget', () => {
  it('drops frames over the budget with rate_limited, retryAfterSeconds and ref, and keeps the socket open', async () => {
    const { wsUrl: limitedUrl } = await gateway({ WS_FRAMES_PER_MINUTE: '60', WS_FRAME_BURST: '5' });
    const alice = await newUser(backend);
    // auth is frame 1 of 5.
    const socket = await readySocket(limitedUrl, alice.session.accessToken, alice.deviceId);
    for (let i = 0; i < 4; i++) socket.send({ type: 'ping' });
    socket.send({ type: 'ping', id: 'over-1' });
    socket.send({ type: 'message.send', id: 'over-2' });
    const limited = await socket.next('error', (f) => f.ref === 'over-2');
    expect(limited).toEqual({ type: 'error', code: 'rate_limited', message: expect.any(String), ref: 'over-2', retryAfterSeconds: 1 });
    expect(await socket.next('error', (f) => f.ref === 'over-1')).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 1 });
    expect(socket.frames.filter((f) => f.type === 'pong')).toHaveLength(4);

    // A WebSocket ping is a frame too: over the budget it gets no pong.
    let pongs = 0;
    socket.ws.on('pong', () => pongs++);
    socket.ws.ping();
    await sleep(300);
    expect(pongs).toBe(0);

    // The budget refills (one frame a second here): the socket was never closed and serves again.
    await sleep(1_100);
    await socket.stillServing();
    await sleep(1_000);
    socket.ws.ping();
    await sleep(300);
    expect(pongs).toBe(1);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });

  it('closes a socket that keeps flooding far past the limit with 1008', async () => {
    const { wsUrl: limitedUrl } = await gateway({ WS_FRAMES_PER_MINUTE: '60', WS_FRAME_BURST: '5' });
    const alice = await newUser(backend);
    const socket = await readySocket(limitedUrl, alice.session.accessToken, alice.deviceId);
    for (let i = 0; i < 500; i++) socket.send({ type: 'ping' });
    expect((await socket.closed).code).toBe(WsCloseCode.policy);
    const limited = socket.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    // 60 + 5 refused frames are answered before the flood counts as one; a handful of slack for timing.
    expect(limited.length).toBeGreaterThanOrEqual(60);
    expect(limited.length).toBeLessThanOrEqual(70);
  });

  it('counts the auth frame: a socket that spends its whole budget first cannot authenticate until it refills', async () => {
    const { wsUrl: limitedUrl } = await gateway({ WS_FRAMES_PER_MINUTE: '60', WS_FRAME_BURST: '2' });
    const alice = await newUser(backend);
    const socket = await TestSocket.open(limitedUrl);
    // Two unauthenticated frames would close the socket (4001); WebSocket pings spend the budget without that.
    socket.ws.ping();
    socket.ws.ping();
    await sleep(100);
    socket.authenticate(alice.session.accessToken, alice.deviceId, 'auth-1');
    expect(await socket.next('error', (f) => f.ref === 'auth-1')).toMatchObject({ code: 'rate_limited' });
    await sleep(1_100);
    socket.authenticate(alice.session.accessToken, alice.deviceId);
    await socket.next('ready');
    socket.close();
  });
});

describe('Redis outage', () => {
  it('refuses new sockets with an unavailable error frame and 1013 when the deny-list cannot be read', async () => {
    const alice = await newUser(backend);
    const privateRedis = await startPrivateRedis();
    try {
      const { running, wsUrl: url } = await gateway({ REDIS_URL: privateRedis.url });
      const before = await readySocket(url, alice.session.accessToken, alice.deviceId);
      before.close();

      await privateRedis.kill();
      const socket = await TestSocket.open(url);
      socket.authenticate(alice.session.accessToken, alice.deviceId);
      expect(await socket.next('error')).toMatchObject({ code: 'unavailable' });
      expect((await socket.closed).code).toBe(1013);
      expect(socket.frames.some((f) => f.type === 'ready')).toBe(false);

      const readiness = await fetch(`${running.url}/readyz`);
      expect(readiness.status).toBe(503);
      expect(await readiness.json()).toMatchObject({ checks: expect.arrayContaining([{ name: 'gateway:redis', ok: false }]) });
    } finally {
      await privateRedis.kill();
    }
  });
});
