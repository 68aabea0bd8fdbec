import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '@cipherlink/proto';
import { connectSocket, newUser, openDm, TestSocket, wsUrlOf, type TestUser } from './actors';
import { startTestStack } from './harness';
import { startPrivateRedis, type PrivateRedis } from '@cipherlink/kit/testing';
import type { Stack } from '../src/stack';

/**
 * Redis holds the deny-list of ended sessions and the rate-limit counters. When it is down every check fails
 * closed: authenticated requests answer 503 in the error shape (never 200, never 500) and new sockets get an
 * `unavailable` error frame and 1013. When it comes back, service resumes by itself.
 */

let redis: PrivateRedis & { port: number };
let stack: Stack;
let alice: TestUser;
let conversationId: string;

beforeAll(async () => {
  redis = await startPrivateRedis();
  stack = await startTestStack({ REDIS_URL: redis.url });
  const bob = await newUser(stack.url);
  alice = await newUser(stack.url);
  conversationId = await openDm(alice, bob);
});
afterAll(async () => {
  await stack?.close();
  await redis?.kill();
});

const routes = () => ['/api/directory/conversations', `/api/messages/${conversationId}`, '/api/auth/me'];

describe('Redis outage', () => {
  it('fails closed with 503 on every authenticated route and refuses new sockets with 1013, then recovers', async () => {
    for (const route of routes()) expect((await alice.http.request('GET', route)).status, route).toBe(200);
    const before = await connectSocket(stack.url, alice);
    before.close();

    await redis.kill();
    for (const route of routes()) {
      const res = await alice.http.request('GET', route);
      expect(res.status, `${route}: ${JSON.stringify(res.body)}`).toBe(503);
      expect(ErrorBody.parse(res.body).error.code, route).toBe('unavailable');
    }
    const socket = await TestSocket.open(wsUrlOf(stack.url));
    socket.send({ type: 'auth', token: alice.http.accessToken, deviceId: alice.deviceId });
    expect(await socket.next('error')).toMatchObject({ code: 'unavailable' });
    expect((await socket.closed).code).toBe(1013);
    expect(socket.frames.some((f) => f.type === 'ready')).toBe(false);

    // Redis back on the same port: the clients reconnect on their own (backoff capped at 2 s).
    redis = await startPrivateRedis(redis.port);
    const deadline = Date.now() + 10_000;
    for (const route of routes()) {
      for (;;) {
        const res = await alice.http.request('GET', route);
        if (res.status === 200) break;
        expect(res.status, route).toBe(503);
        if (Date.now() > deadline) throw new Error(`${route} did not recover`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const after = await connectSocket(stack.url, alice);
    after.close();
  }, 30_000);
});
