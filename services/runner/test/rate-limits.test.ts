import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '@cipherlink/proto';
import { connectSocket, newUser, openDm } from './actors';
import { startTestStack } from './harness';
import type { Stack } from '../src/stack';

/**
 * The per-user API budget is one budget across the whole API (limiter "api" in Redis, shared by every service and
 * instance): past it, every authenticated route answers 429 with Retry-After, never 5xx. The per-socket frame budget
 * answers `rate_limited` error frames and keeps the socket open.
 */

const API_PER_MINUTE = 6;
let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_API_PER_MINUTE: String(API_PER_MINUTE), WS_FRAMES_PER_MINUTE: '60', WS_FRAME_BURST: '5' });
});
afterAll(async () => {
  await stack?.close();
});

describe('the per-user API limit', () => {
  it('answers the request past the budget with 429 and Retry-After on directory, message-store and auth alike', async () => {
    const [alice, bob] = await Promise.all([newUser(stack.url), newUser(stack.url)]);
    // Spent so far by alice: the device registration (1) and the DM (2).
    const conversationId = await openDm(alice, bob);
    const routes = ['/api/messages/' + conversationId, '/api/directory/conversations', '/api/auth/me'];
    const statuses: number[] = [];
    for (let i = 0; i < API_PER_MINUTE - 2; i++) statuses.push((await alice.http.request('GET', routes[i % routes.length]!)).status);
    expect(statuses).toEqual(Array(API_PER_MINUTE - 2).fill(200));

    for (const route of routes) {
      const res = await alice.http.request('GET', route);
      expect(res.status, route).toBe(429);
      expect(ErrorBody.parse(res.body).error.code, route).toBe('rate_limited');
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter, route).toBeGreaterThanOrEqual(1);
      expect(retryAfter, route).toBeLessThanOrEqual(60);
    }
    // Writes are refused the same way; bob's own budget is untouched by alice's spending.
    expect((await alice.http.request('POST', '/api/directory/dms', { peerUserId: bob.userId })).status).toBe(429);
    expect((await bob.http.request('GET', '/api/directory/conversations')).status).toBe(200);
  });
});

describe('the per-socket frame limit', () => {
  it('answers frames past the budget with rate_limited and retryAfterSeconds, keeps the socket open, and serves again', async () => {
    const bob = await newUser(stack.url);
    // The auth frame was the first of the five.
    const socket = await connectSocket(stack.url, bob);
    for (let i = 0; i < 4; i++) socket.send({ type: 'ping' });
    socket.send({ type: 'ping', id: 'one-too-many' });
    socket.send({ type: 'presence.watch', userIds: [], id: 'two-too-many' });
    for (const ref of ['one-too-many', 'two-too-many']) {
      const refused = await socket.next('error', (f) => f.ref === ref);
      expect(refused).toMatchObject({ code: 'rate_limited', ref });
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    expect(socket.count('pong')).toBe(4);
    // 60 a minute is one a second: after a pause the socket is served again, never closed.
    await new Promise((r) => setTimeout(r, 1_100));
    await socket.roundTrip();
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    socket.close();
  });
});
