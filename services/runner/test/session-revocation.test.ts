import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsCloseCode } from '@cipherlink/proto';
import { connectSocket, newUser, openDm, TestSocket, wsUrlOf, type TestUser } from './actors';
import { startTestStack, TestHttp } from './harness';
import type { Stack } from '../src/stack';

/**
 * Ending a session takes effect everywhere at once: auth puts the session on the deny-list and announces it; every
 * gateway closes the session's sockets with 4003 within a second, and the same access token is refused by every
 * service (REST 401, new socket 4001). Sessions that were not ended keep working.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** A second signed-in session of `user` (another browser). */
async function secondSession(user: TestUser): Promise<{ http: TestHttp; sessionId: string }> {
  const http = new TestHttp(stack.url);
  const { sessionId } = await http.login(user.username, user.password);
  expect(sessionId).not.toBe(user.sessionId);
  return { http, sessionId };
}

/** Every authenticated REST verifier refuses `token` with 401 in the error shape. */
async function refusedEverywhere(token: string, conversationId: string): Promise<void> {
  for (const path of ['/api/auth/me', '/api/directory/conversations', `/api/messages/${conversationId}`]) {
    const res = await fetch(stack.url + path, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, path).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe('unauthorized');
  }
}

/** A new socket authenticating with `token` is refused like any invalid token. */
async function socketRefused(user: TestUser, token: string): Promise<void> {
  const socket = await TestSocket.open(wsUrlOf(stack.url));
  socket.send({ type: 'auth', token, deviceId: user.deviceId });
  expect(await socket.next('error')).toMatchObject({ code: 'unauthorized' });
  expect((await socket.closed).code).toBe(WsCloseCode.unauthorized);
}

/** The socket was closed with 4003 "session ended", at most 1 s after `since`. */
async function endedWithin1s(socket: TestSocket, since: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('socket still open 3 s after the session ended')), 3_000)));
  const closed = await Promise.race([socket.closed, late]).finally(() => clearTimeout(timer));
  expect(closed).toMatchObject({ code: WsCloseCode.sessionRevoked, reason: 'session ended' });
  expect(closed.at - since).toBeLessThan(1_000);
}

describe('ending sessions', () => {
  it('logout closes that session’s socket within 1 s; its token is then refused everywhere; another session survives', async () => {
    const [alice, bob] = await Promise.all([newUser(stack.url), newUser(stack.url)]);
    const conversationId = await openDm(alice, bob);
    const other = await secondSession(alice);
    const token = alice.http.accessToken!;
    const mine = await connectSocket(stack.url, alice);
    const theirs = await connectSocket(stack.url, alice, other.http.accessToken);

    const res = await alice.http.request('POST', '/api/auth/logout');
    const answeredAt = Date.now();
    expect(res.status).toBe(204);
    await endedWithin1s(mine, answeredAt);

    await refusedEverywhere(token, conversationId);
    await socketRefused(alice, token);

    // The other session of the same user is untouched.
    await theirs.roundTrip();
    const stillIn = await other.http.request('GET', '/api/directory/conversations');
    expect(stillIn.status).toBe(200);
    theirs.close();
  });

  it('logout-all closes the sockets of every session of the user, not those of other users', async () => {
    const [alice, bob] = await Promise.all([newUser(stack.url), newUser(stack.url)]);
    const conversationId = await openDm(alice, bob);
    const other = await secondSession(alice);
    const tokens = [alice.http.accessToken!, other.http.accessToken!];
    const sockets = [await connectSocket(stack.url, alice), await connectSocket(stack.url, alice, other.http.accessToken)];
    const bobSocket = await connectSocket(stack.url, bob);

    const res = await alice.http.request('POST', '/api/auth/logout-all');
    const answeredAt = Date.now();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revoked: 2 });
    for (const socket of sockets) await endedWithin1s(socket, answeredAt);
    for (const token of tokens) await refusedEverywhere(token, conversationId);

    await bobSocket.roundTrip();
    bobSocket.close();
  });

  it('revoking one session from another closes only the revoked one', async () => {
    const alice = await newUser(stack.url);
    const other = await secondSession(alice);
    const mine = await connectSocket(stack.url, alice);
    const theirs = await connectSocket(stack.url, alice, other.http.accessToken);

    const res = await alice.http.request('DELETE', `/api/auth/sessions/${other.sessionId}`);
    const answeredAt = Date.now();
    expect(res.status).toBe(204);
    await endedWithin1s(theirs, answeredAt);
    await mine.roundTrip();
    mine.close();
  });

  it('a password change closes the other sessions’ sockets and keeps the current one', async () => {
    const alice = await newUser(stack.url);
    const other = await secondSession(alice);
    const mine = await connectSocket(stack.url, alice);
    const theirs = await connectSocket(stack.url, alice, other.http.accessToken);

    const res = await alice.http.request('POST', '/api/auth/password', { currentPassword: alice.password, newPassword: 'a brand new and long passphrase' });
    const answeredAt = Date.now();
    expect(res.status).toBe(204);
    await endedWithin1s(theirs, answeredAt);
    await mine.roundTrip();
    mine.close();
  });

  it('deleting the account closes every socket and removes the user from the directory (the name is free again)', async () => {
    const [alice, bob] = await Promise.all([newUser(stack.url), newUser(stack.url)]);
    await openDm(alice, bob);
    const socket = await connectSocket(stack.url, alice);
    const bobSocket = await connectSocket(stack.url, bob);

    const res = await alice.http.request('POST', '/api/auth/account/delete', { password: alice.password });
    const answeredAt = Date.now();
    expect(res.status).toBe(204);
    await endedWithin1s(socket, answeredAt);

    // The directory consumes user-deleted: alice disappears from lookups and from bob's contacts.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const lookup = await bob.http.request('GET', `/api/directory/users/by-username/${alice.username}`);
      if (lookup.status === 404) break;
      expect(lookup.status).toBe(200);
      if (Date.now() > deadline) throw new Error('deleted user still in the directory');
      await new Promise((r) => setTimeout(r, 100));
    }
    const conversations = await bob.http.request('GET', '/api/directory/conversations');
    expect(conversations.status).toBe(200);
    const members = (conversations.body.conversations as { members: { id: string }[] }[]).flatMap((c) => c.members.map((m) => m.id));
    expect(members).not.toContain(alice.userId);
    // Presence: alice is no contact of bob's any more, so watching her reports nothing.
    bobSocket.send({ type: 'presence.watch', userIds: [alice.userId] });
    await bobSocket.roundTrip();
    expect(bobSocket.frames.some((f) => f.type === 'presence' && f.presence.userId === alice.userId)).toBe(false);
    bobSocket.close();

    // Someone else can register the name.
    const successor = new TestHttp(stack.url);
    const { user } = await successor.signUp(alice.username);
    expect(user.id).not.toBe(alice.userId);
  });
});
