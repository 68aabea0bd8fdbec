import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  rpc,
  ServerFrame,
  SessionsRevokedEvent,
  subjects,
  WS_PATH,
  WsCloseCode,
} from '@cipherlink/proto';
import {
  connectNats,
  connectRedis,
  createLogger,
  createRedis,
  createRevocationList,
  publishEphemeral,
  runServices,
  serveRpc,
  type Nats,
  type Redis,
  type RunningServices,
} from '@cipherlink/kit';
import { createGatewayService, loadGatewayConfig } from '../src';
import { createTestTokens } from './test-tokens';
import { startPrivateRedis } from '@cipherlink/kit/testing';

/**
 * What the gateway does about ended sessions and abusive sockets, against stand-ins for auth and directory on real
 * NATS and the real Redis: revocation events close sockets (4003), denied tokens are refused (4001), the per-socket
 * frame budget answers `rate_limited` and closes floods (1008), and a Redis outage refuses sockets (1013).
 */
const logger = createLogger({ name: 'gateway-session-test', level: 'silent' });
const { jwks, tokenFor } = createTestTokens('gateway-session-test-key');

/** What the stand-in directory does when the gateway asks for a user's conversations. */
let conversationsOf: () => Promise<string[]> = async () => [];

let nats: Nats;
let redis: Redis;
const subs: { unsubscribe(): void }[] = [];
const gateways: RunningServices[] = [];
let wsUrl: string;

async function startGateway(env: Record<string, string> = {}): Promise<{ running: RunningServices; wsUrl: string }> {
  const config = loadGatewayConfig({ NATS_URL: process.env.NATS_URL, REDIS_URL: process.env.REDIS_URL, ...env });
  const running = await runServices({ services: [createGatewayService(config, { logger })], logger, host: '127.0.0.1', port: 0, migrate: false });
  gateways.push(running);
  return { running, wsUrl: running.url.replace(/^http/, 'ws') + WS_PATH };
}

beforeAll(async () => {
  nats = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'gateway-session-test', logger });
  const opts = { queue: 'gateway-session-test', logger };
  subs.push(
    serveRpc(nats, rpc.authJwks, async () => jwks, opts),
    serveRpc(nats, rpc.directoryDeviceCheck, async () => ({ valid: true }), opts),
    serveRpc(nats, rpc.directoryConversationsOfUser, async () => ({ conversationIds: await conversationsOf() }), opts),
  );
  await nats.nc.flush();
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'gateway-session-test', logger });
  await connectRedis(redis);
  ({ wsUrl } = await startGateway());
});
afterAll(async () => {
  for (const g of gateways) await g.close();
  for (const s of subs) s.unsubscribe();
  await nats?.close();
  await redis?.quit();
});
afterEach(() => {
  conversationsOf = async () => [];
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TestSocket {
  ws: WebSocket;
  frames: ServerFrame[];
  closed: Promise<{ code: number; reason: string; at: number }>;
  next<T extends ServerFrame['type']>(type: T, pred?: (f: Extract<ServerFrame, { type: T }>) => boolean, ms?: number): Promise<Extract<ServerFrame, { type: T }>>;
}

async function openSocket(url = wsUrl): Promise<TestSocket> {
  const ws = new WebSocket(url);
  const frames: ServerFrame[] = [];
  ws.on('message', (data) => frames.push(ServerFrame.parse(JSON.parse(data.toString()))));
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })),
  );
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next: TestSocket['next'] = async (type, pred = () => true, ms = 5_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = frames.find((f) => f.type === type && pred(f as never));
      if (hit) return hit as never;
      if (Date.now() > deadline) throw new Error(`no ${type} frame within ${ms} ms; got ${JSON.stringify(frames)}`);
      await sleep(10);
    }
  };
  return { ws, frames, closed, next };
}

/** Open a socket and authenticate it with `token`; resolves once `ready` arrives. */
async function ready(token: string, url = wsUrl): Promise<TestSocket> {
  const socket = await openSocket(url);
  socket.ws.send(JSON.stringify({ type: 'auth', token, deviceId: randomUUID() }));
  await socket.next('ready');
  return socket;
}

function revoke(event: Omit<SessionsRevokedEvent, 'v' | 'occurredAt' | 'reason'> & { reason?: SessionsRevokedEvent['reason'] }): number {
  publishEphemeral(nats, subjects.evt.sessionsRevoked, SessionsRevokedEvent, {
    v: 1,
    reason: 'logout',
    occurredAt: new Date().toISOString(),
    ...event,
  });
  return Date.now();
}

async function stillServing(socket: TestSocket): Promise<void> {
  const before = socket.frames.filter((f) => f.type === 'pong').length;
  socket.ws.send(JSON.stringify({ type: 'ping' }));
  await socket.next('pong', () => socket.frames.filter((f) => f.type === 'pong').length > before);
}

describe('revoked sessions', () => {
  it('closes every socket of a revoked session with 4003 within 1 s; another session of the same user stays', async () => {
    const userId = randomUUID();
    const [s1, s2] = [randomUUID(), randomUUID()];
    const tab1 = await ready(tokenFor(userId, s1));
    const tab2 = await ready(tokenFor(userId, s1));
    const otherSession = await ready(tokenFor(userId, s2));
    // Same session id under another user: an event for this user must never touch it.
    const stranger = await ready(tokenFor(randomUUID(), s1));

    const at = revoke({ userId, sessionIds: [s1], allSessions: false });
    for (const socket of [tab1, tab2]) {
      const closed = await socket.closed;
      expect(closed).toMatchObject({ code: WsCloseCode.sessionRevoked, reason: 'session ended' });
      expect(closed.at - at).toBeLessThan(1_000);
    }
    await stillServing(otherSession);
    await stillServing(stranger);

    // Every session of the user (logout everywhere, account deleted).
    const at2 = revoke({ userId, sessionIds: [], allSessions: true, reason: 'logout_all' });
    const closed = await otherSession.closed;
    expect(closed.code).toBe(WsCloseCode.sessionRevoked);
    expect(closed.at - at2).toBeLessThan(1_000);
    await stillServing(stranger);
    stranger.ws.close();
  });

  it('closes a socket whose session is revoked while it is still authenticating', async () => {
    const userId = randomUUID();
    const sessionId = randomUUID();
    let asked!: () => void;
    const askedP = new Promise<void>((resolve) => (asked = resolve));
    conversationsOf = async () => {
      asked();
      await sleep(500);
      return [];
    };
    const socket = await openSocket();
    socket.ws.send(JSON.stringify({ type: 'auth', token: tokenFor(userId, sessionId), deviceId: randomUUID() }));
    await askedP;
    revoke({ userId, sessionIds: [sessionId], allSessions: false });
    expect((await socket.closed).code).toBe(WsCloseCode.sessionRevoked);
    expect(socket.frames.some((f) => f.type === 'ready')).toBe(false);
  });

  it('closes a socket whose session lands on the deny-list even when the revocation event never arrives', async () => {
    const { wsUrl: recheckUrl } = await startGateway({ WS_SESSION_RECHECK_MS: '200' });
    const userId = randomUUID();
    const ended = randomUUID();
    const revoked = await ready(tokenFor(userId, ended), recheckUrl);
    const live = await ready(tokenFor(userId, randomUUID()), recheckUrl);
    // Only the deny-list entry, as if this gateway had been cut off from NATS when auth announced it.
    await createRevocationList(redis).deny({ sessionIds: [ended] }, 60);
    const closed = await revoked.closed;
    expect(closed).toMatchObject({ code: WsCloseCode.sessionRevoked, reason: 'session ended' });
    await stillServing(live);
    live.ws.close();
  });

  it('refuses a token whose session or token id is on the deny-list, like any invalid token', async () => {
    const revocations = createRevocationList(redis);
    const userId = randomUUID();
    const deniedSession = randomUUID();
    const deniedJti = randomUUID();
    await revocations.deny({ sessionIds: [deniedSession], jtis: [deniedJti] }, 60);
    for (const token of [tokenFor(userId, deniedSession), tokenFor(userId, randomUUID(), deniedJti)]) {
      const socket = await openSocket();
      socket.ws.send(JSON.stringify({ type: 'auth', token, deviceId: randomUUID() }));
      expect(await socket.next('error')).toMatchObject({ code: 'unauthorized' });
      expect((await socket.closed).code).toBe(WsCloseCode.unauthorized);
      expect(socket.frames.some((f) => f.type === 'ready')).toBe(false);
    }
    // The same user with a live session still gets in.
    const ok = await ready(tokenFor(userId, randomUUID()));
    ok.ws.close();
  });
});

describe('frame budget', () => {
  it('drops frames over the budget with rate_limited, retryAfterSeconds and ref, and keeps the socket open', async () => {
    const { wsUrl: limitedUrl } = await startGateway({ WS_FRAMES_PER_MINUTE: '60', WS_FRAME_BURST: '5' });
    // auth is frame 1 of 5.
    const socket = await ready(tokenFor(randomUUID(), randomUUID()), limitedUrl);
    for (let i = 0; i < 4; i++) socket.ws.send(JSON.stringify({ type: 'ping' }));
    socket.ws.send(JSON.stringify({ type: 'ping', id: 'over-1' }));
    socket.ws.send(JSON.stringify({ type: 'message.send', id: 'over-2' }));
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
    await stillServing(socket);
    await sleep(1_000);
    socket.ws.ping();
    await sleep(300);
    expect(pongs).toBe(1);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.ws.close();
  });

  it('closes a socket that keeps flooding far past the limit with 1008', async () => {
    const { wsUrl: limitedUrl } = await startGateway({ WS_FRAMES_PER_MINUTE: '60', WS_FRAME_BURST: '5' });
    const socket = await ready(tokenFor(randomUUID(), randomUUID()), limitedUrl);
    for (let i = 0; i < 500; i++) socket.ws.send(JSON.stringify({ type: 'ping' }));
    expect((await socket.closed).code).toBe(WsCloseCode.policy);
    const limited = socket.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    // 60 + 5 refused frames are answered before the flood counts as one; a handful of slack for timing.
    expect(limited.length).toBeGreaterThanOrEqual(60);
    expect(limited.length).toBeLessThanOrEqual(70);
  });

  it('counts the auth frame: a socket that spends its whole budget first cannot authenticate until it refills', async () => {
    const { wsUrl: limitedUrl } = await startGateway({ WS_FRAMES_PER_MINUTE: '60', WS_FRAME_BURST: '2' });
    const socket = await openSocket(limitedUrl);
    // Two unauthenticated frames would close the socket (4001); WebSocket pings spend the budget without that.
    socket.ws.ping();
    socket.ws.ping();
    await sleep(100);
    socket.ws.send(JSON.stringify({ type: 'auth', token: tokenFor(randomUUID(), randomUUID()), deviceId: randomUUID(), id: 'auth-1' }));
    expect(await socket.next('error', (f) => f.ref === 'auth-1')).toMatchObject({ code: 'rate_limited' });
    await sleep(1_100);
    socket.ws.send(JSON.stringify({ type: 'auth', token: tokenFor(randomUUID(), randomUUID()), deviceId: randomUUID() }));
    await socket.next('ready');
    socket.ws.close();
  });
});

describe('Redis outage', () => {
  it('refuses new sockets with an unavailable error frame and 1013 when the deny-list cannot be read', async () => {
    const privateRedis = await startPrivateRedis();
    try {
      const { running, wsUrl: url } = await startGateway({ REDIS_URL: privateRedis.url });
      const before = await ready(tokenFor(randomUUID(), randomUUID()), url);
      before.ws.close();

      await privateRedis.kill();
      const socket = await openSocket(url);
      socket.ws.send(JSON.stringify({ type: 'auth', token: tokenFor(randomUUID(), randomUUID()), deviceId: randomUUID() }));
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
