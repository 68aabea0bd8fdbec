import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, TestHttp, uniqueName } from './harness';
import type { Stack } from '../src/stack';

/** A 65-byte uncompressed P-256 point shape (the server stores keys opaquely; the client validates them). */
const publicKey = () => Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString('base64url');

let stack: Stack;

/** Sign up a user with real auth-issued tokens, and wait until the directory has consumed their registration. */
async function signedUp(): Promise<{ http: TestHttp; user: { id: string; username: string } }> {
  const http = new TestHttp(stack.url);
  const { user } = await http.signUp(uniqueName());
  const deadline = Date.now() + 10_000;
  while ((await http.request('GET', `/api/directory/users/by-username/${user.username}`)).status !== 200) {
    if (Date.now() > deadline) throw new Error('directory never learned about the new user');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { http, user };
}

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('directory over the full stack', () => {
  it('refuses unauthenticated callers with 401', async () => {
    const anonymous = new TestHttp(stack.url);
    for (const [method, path, body] of [
      ['GET', '/api/directory/conversations', undefined],
      ['GET', `/api/directory/users/${randomUUID()}/devices`, undefined],
      ['PUT', '/api/directory/devices', { publicKey: publicKey() }],
      ['POST', '/api/directory/dms', { peerUserId: randomUUID() }],
    ] as const) {
      const res = await anonymous.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    anonymous.accessToken = 'not.a.token';
    expect((await anonymous.request('GET', '/api/directory/conversations')).status).toBe(401);
  });

  it('looks a registered user up by username', async () => {
    const { user } = await signedUp();
    const { http: other } = await signedUp();
    const res = await other.request('GET', `/api/directory/users/by-username/${user.username.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: user.id, username: user.username } });
    expect((await other.request('GET', `/api/directory/users/by-username/${uniqueName('nobody')}`)).status).toBe(404);
  });

  it('registers devices idempotently and serves their public keys', async () => {
    const { http, user } = await signedUp();
    const { http: reader } = await signedUp();
    const key = publicKey();
    const created = await http.request('PUT', '/api/directory/devices', { publicKey: key });
    expect(created.status).toBe(201);
    expect(created.body.device).toMatchObject({ userId: user.id, publicKey: key });
    const again = await http.request('PUT', '/api/directory/devices', { publicKey: key });
    expect(again.status).toBe(200);
    expect(again.body.device.id).toBe(created.body.device.id);

    const devices = await reader.request('GET', `/api/directory/users/${user.id}/devices`);
    expect(devices.status).toBe(200);
    expect(devices.body.devices).toEqual([created.body.device]);
    expect((await reader.request('GET', `/api/directory/users/${randomUUID()}/devices`)).status).toBe(404);
  });

  it('rejects a public key of the wrong length with 400', async () => {
    const { http } = await signedUp();
    for (const bad of [publicKey().slice(0, 86), `${publicKey()}AA`, randomBytes(33).toString('base64url')]) {
      const res = await http.request('PUT', '/api/directory/devices', { publicKey: bad });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
  });

  it('opens a DM once: the second open (from either side) returns the same conversation', async () => {
    const a = await signedUp();
    const b = await signedUp();
    const first = await a.http.request('POST', '/api/directory/dms', { peerUserId: b.user.id });
    expect(first.status).toBe(201);
    const second = await a.http.request('POST', '/api/directory/dms', { peerUserId: b.user.id });
    const fromPeer = await b.http.request('POST', '/api/directory/dms', { peerUserId: a.user.id });
    expect(second.status).toBe(200);
    expect(fromPeer.status).toBe(200);
    expect(second.body.conversation.id).toBe(first.body.conversation.id);
    expect(fromPeer.body.conversation.id).toBe(first.body.conversation.id);
    expect(first.body.conversation.members.map((m: { id: string }) => m.id).sort()).toEqual([a.user.id, b.user.id].sort());

    const listed = await b.http.request('GET', '/api/directory/conversations');
    expect(listed.body.conversations.map((c: { id: string }) => c.id)).toEqual([first.body.conversation.id]);
  });

  it('refuses a DM with yourself (400) or with an unknown user (404)', async () => {
    const { http, user } = await signedUp();
    const self = await http.request('POST', '/api/directory/dms', { peerUserId: user.id });
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe('bad_request');
    expect((await http.request('POST', '/api/directory/dms', { peerUserId: randomUUID() })).status).toBe(404);
  });

  it('hides a conversation from non-members with 404', async () => {
    const a = await signedUp();
    const b = await signedUp();
    const outsider = await signedUp();
    const { body } = await a.http.request('POST', '/api/directory/dms', { peerUserId: b.user.id });
    const id = body.conversation.id as string;
    expect((await b.http.request('GET', `/api/directory/conversations/${id}`)).status).toBe(200);
    const hidden = await outsider.http.request('GET', `/api/directory/conversations/${id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('not_found');
    // The same answer as for an id that does not exist: nothing to probe.
    const missing = await outsider.http.request('GET', `/api/directory/conversations/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(hidden.body);
  });
});
