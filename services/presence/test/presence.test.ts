import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { callRpc, connectNats, createLogger, publishEphemeral, type Nats, type Service } from '@cipherlink/kit';
import { PresenceChangedEvent, rpc, subjects } from '@cipherlink/proto';
import { createPresenceService, loadPresenceConfig } from '../src';
import { createPresenceTracker } from '../src/handlers/presence-tracker';
import { createPresenceStore, presenceKeys } from '../src/store/presence-store';

const logger = createLogger({ name: 'presence-test', level: 'silent' });
let nats: Nats;

/** Collect presence events for one user (the subject carries the user id). */
function watch(userId: string) {
  const events: PresenceChangedEvent[] = [];
  const sub = nats.nc.subscribe(subjects.evt.presenceChanged(userId), {
    callback: (_err, msg) => void events.push(PresenceChangedEvent.parse(msg.json())),
  });
  return { events, sub };
}

async function until<T>(probe: () => T | undefined, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
const settle = () => new Promise((r) => setTimeout(r, 300));

beforeAll(async () => {
  nats = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'presence-test', logger });
});
afterAll(async () => {
  await nats.close();
});

describe('presence service over NATS', () => {
  let service: Service;

  beforeAll(async () => {
    service = createPresenceService(loadPresenceConfig({ ...process.env, PRESENCE_TTL_SECONDS: '60', PRESENCE_SWEEP_MS: '5000' }), {
      logger,
    });
    await service.start();
  });
  afterAll(async () => {
    await service.stop();
  });

  it('announces online on the first heartbeat', async () => {
    const userId = randomUUID();
    const { events, sub } = watch(userId);
    await nats.nc.flush();
    await expect(callRpc(nats, rpc.presenceHeartbeat, { userId, connectionId: 'c1' })).resolves.toEqual({ online: true });
    const event = await until(() => events[0]);
    expect(event).toMatchObject({ v: 1, userId, online: true });
    sub.unsubscribe();
  });

  it('does not announce a second connection or a repeated heartbeat', async () => {
    const userId = randomUUID();
    const { events, sub } = watch(userId);
    await nats.nc.flush();
    await callRpc(nats, rpc.presenceHeartbeat, { userId, connectionId: 'c1' });
    await callRpc(nats, rpc.presenceHeartbeat, { userId, connectionId: 'c2' });
    await callRpc(nats, rpc.presenceHeartbeat, { userId, connectionId: 'c1' });
    await settle();
    expect(events.map((e) => e.online)).toEqual([true]);
    sub.unsubscribe();
  });

  it('announces online exactly once when ten connections arrive at the same time', async () => {
    const userId = randomUUID();
    const { events, sub } = watch(userId);
    await nats.nc.flush();
    await Promise.all(Array.from({ length: 10 }, (_, i) => callRpc(nats, rpc.presenceHeartbeat, { userId, connectionId: `c${i}` })));
    await settle();
    expect(events.map((e) => e.online)).toEqual([true]);
    sub.unsubscribe();
  });

  it('stays online when one of two connections disconnects, goes offline with last-seen on the last', async () => {
    const userId = randomUUID();
    const { events, sub } = watch(userId);
    await nats.nc.flush();
    await callRpc(nats, rpc.presenceHeartbeat, { userId, connectionId: 'c1' });
    await callRpc(nats, rpc.presenceHeartbeat, { userId, connectionId: 'c2' });

    await expect(callRpc(nats, rpc.presenceDisconnect, { userId, connectionId: 'c1' })).resolves.toEqual({ online: true });
    await settle();
    expect(events.map((e) => e.online)).toEqual([true]);

    const before = Date.now();
    await expect(callRpc(nats, rpc.presenceDisconnect, { userId, connectionId: 'c2' })).resolves.toEqual({ online: false });
    const offline = await until(() => events.find((e) => !e.online));
    expect(Date.parse(offline.at)).toBeGreaterThanOrEqual(before - 5);

    const { presence } = await callRpc(nats, rpc.presenceQuery, { userIds: [userId] });
    expect(presence).toEqual([{ userId, online: false, lastSeenAt: offline.at }]);

    // A stray disconnect afterwards announces nothing more.
    await callRpc(nats, rpc.presenceDisconnect, { userId, connectionId: 'c2' });
    await settle();
    expect(events.map((e) => e.online)).toEqual([true, false]);
    sub.unsubscribe();
  });

  it('answers queries for online, offline and never-seen users', async () => {
    const online = randomUUID();
    const never = randomUUID();
    await callRpc(nats, rpc.presenceHeartbeat, { userId: online, connectionId: 'c1' });
    const { presence } = await callRpc(nats, rpc.presenceQuery, { userIds: [online, never] });
    expect(presence).toHaveLength(2);
    expect(presence[0]).toMatchObject({ userId: online, online: true });
    expect(presence[0]?.lastSeenAt).not.toBeNull();
    expect(presence[1]).toEqual({ userId: never, online: false, lastSeenAt: null });
    await expect(callRpc(nats, rpc.presenceQuery, { userIds: [] })).resolves.toEqual({ presence: [] });
  });

  it('answers invalid requests with a bad_request error and keeps serving', async () => {
    const ask = async (subject: string, body: string) => JSON.parse(new TextDecoder().decode((await nats.nc.request(subject, body, { timeout: 2_000 })).data));
    await expect(ask(subjects.rpc.presenceHeartbeat, JSON.stringify({ userId: 'not-a-uuid', connectionId: 'c' }))).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    await expect(ask(subjects.rpc.presenceDisconnect, '{not json')).resolves.toMatchObject({ ok: false, error: { code: 'bad_request' } });
    await expect(ask(subjects.rpc.presenceQuery, JSON.stringify({ userIds: Array(501).fill(randomUUID()) }))).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    await expect(callRpc(nats, rpc.presenceQuery, { userIds: [randomUUID()] })).resolves.toMatchObject({ presence: [expect.anything()] });
  });

  it('is ready when Redis and NATS answer', async () => {
    const checks = service.readiness();
    expect(checks.map((c) => c.name)).toEqual(['redis', 'nats']);
    for (const c of checks) await expect(c.check()).resolves.toBeUndefined();
  });
});

describe('expiry (gateway stopped heartbeating)', () => {
  let service: Service;
  let redis: Redis;

  beforeAll(async () => {
    // Sweeps every 200 ms. The heartbeat goes through a tracker with a 1 s TTL so the test does not depend on
    // which presence instance on this machine would answer an RPC.
    service = createPresenceService(loadPresenceConfig({ ...process.env, PRESENCE_TTL_SECONDS: '1', PRESENCE_SWEEP_MS: '200' }), { logger });
    await service.start();
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    await service.stop();
    await redis.quit();
  });

  it('announces offline once the connections expire, with last-seen at the last heartbeat', async () => {
    const userId = randomUUID();
    const { events, sub } = watch(userId);
    await nats.nc.flush();
    const tracker = createPresenceTracker({
      store: createPresenceStore(redis),
      ttlMs: 1_000,
      publish: (e) => publishEphemeral(nats, subjects.evt.presenceChanged(e.userId), PresenceChangedEvent, e),
      logger,
    });
    const heartbeatAt = Date.now();
    await tracker.heartbeat(userId, 'c1');
    await until(() => events.find((e) => e.online));

    const offline = await until(() => events.find((e) => !e.online), 4_000);
    const elapsed = Date.now() - heartbeatAt;
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(Math.abs(Date.parse(offline.at) - heartbeatAt)).toBeLessThan(200);
    expect(await redis.sismember(presenceKeys.online, userId)).toBe(0);
    expect(await redis.exists(presenceKeys.conns(userId))).toBe(0);
    await expect(tracker.query([userId])).resolves.toEqual([{ userId, online: false, lastSeenAt: offline.at }]);

    await settle();
    expect(events.map((e) => e.online)).toEqual([true, false]);
    sub.unsubscribe();
  });
});
