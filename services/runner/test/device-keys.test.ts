import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityKeyResponse, UserKeysResponse, WsCloseCode } from '@cipherlink/proto';
import { connectSocket, newUser, openDm, TestSocket, wsUrlOf } from './actors';
import { startTestStack, TestHttp } from './harness';
import { addDevice, certifiedDeviceBody, connectAll, createRoom, expectNoFrame, newV1User, p256Pair } from './v1-actors';
import type { Stack } from '../src/stack';

/** Identity keys and certified (v1) devices through the whole stack. */

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const keysOf = (viewer: { http: TestHttp }, userId: string) => viewer.http.request('GET', `/api/directory/users/${userId}/keys`);

describe('identity keys and certified devices (full stack)', () => {
  it('registers a device only with a certificate that verifies under the current identity key', async () => {
    const http = new TestHttp(stack.url);
    const { user } = await http.signUp();
    const identity = p256Pair();
    // No identity key yet.
    const early = await http.request('POST', '/api/directory/devices', certifiedDeviceBody(user.id, identity));
    expect(early.status).toBe(409);
    expect((await http.request('PUT', '/api/directory/identity', { identityKey: identity.publicKey })).status).toBe(201);

    const good = certifiedDeviceBody(user.id, identity);
    const bad = [
      { ...good, certifiedAt: good.certifiedAt + 1 },
      { ...good, ecdhKey: good.signingKey },
      certifiedDeviceBody(user.id, p256Pair(), { deviceId: good.deviceId }),
      certifiedDeviceBody(randomUUID(), identity, { deviceId: good.deviceId }),
      { ...good, certificate: randomBytes(64).toString('base64url') },
      { ...good, ecdhKey: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url') },
      { ...good, certificate: randomBytes(70).toString('base64url') },
      { ...good, publicKey: good.ecdhKey },
    ];
    for (const body of bad) {
      const res = await http.request('POST', '/api/directory/devices', body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
    const created = await http.request('POST', '/api/directory/devices', good);
    expect(created.status).toBe(201);
    expect(created.body.device).toMatchObject({ deviceId: good.deviceId, ecdhKey: good.ecdhKey, signingKey: good.signingKey, certificate: good.certificate, certifiedAt: good.certifiedAt });
    // The same registration again is idempotent; the id with other keys is taken.
    expect((await http.request('POST', '/api/directory/devices', good)).status).toBe(200);
    expect((await http.request('POST', '/api/directory/devices', certifiedDeviceBody(user.id, identity, { deviceId: good.deviceId }))).status).toBe(409);
    // The certified device authenticates sockets like any device.
    const socket = await connectSocket(stack.url, { http, userId: user.id, username: user.username, password: '', sessionId: '', deviceId: good.deviceId });
    socket.close();
  });

  it('refuses an identity key that is not a P-256 point', async () => {
    const http = new TestHttp(stack.url);
    await http.signUp();
    for (const identityKey of [Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url'), randomBytes(33).toString('base64url'), 'x']) {
      expect((await http.request('PUT', '/api/directory/identity', { identityKey })).status).toBe(400);
    }
  });

  it('shows keys to the user and to people sharing a conversation, and 404 to anyone else', async () => {
    const [alice, bob, stranger] = await Promise.all([newV1User(stack.url), newV1User(stack.url), newV1User(stack.url)]);
    const mine = UserKeysResponse.parse((await keysOf(alice, alice.userId)).body);
    expect(mine).toMatchObject({ userId: alice.userId, identityKey: alice.identity.publicKey, identityKeyVersion: 1 });
    expect(mine.devices.map((d) => d.deviceId)).toEqual([alice.deviceId]);

    const hidden = await keysOf(stranger, alice.userId);
    const unknown = await keysOf(stranger, randomUUID());
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    expect((await keysOf(bob, alice.userId)).status).toBe(404);

    await openDm(alice, bob);
    expect(UserKeysResponse.parse((await keysOf(bob, alice.userId)).body)).toEqual(mine);
    // A room counts too.
    await createRoom(stranger, [alice]);
    expect((await keysOf(stranger, alice.userId)).status).toBe(200);
    // A v0-only user has no identity key and no certified devices.
    const v0 = await newUser(stack.url);
    await openDm(alice, v0);
    expect(UserKeysResponse.parse((await keysOf(alice, v0.userId)).body)).toEqual({
      userId: v0.userId,
      identityKey: null,
      identityKeyVersion: 0,
      identityKeyChangedAt: null,
      devices: [],
    });
  });

  it('announces device changes to the user and their contacts, closes a removed device’s sockets, and removes only own devices', async () => {
    const [alice, bob, stranger] = await Promise.all([newV1User(stack.url), newV1User(stack.url), newV1User(stack.url)]);
    await openDm(alice, bob);
    const [aliceSocket, bobSocket, strangerSocket] = await connectAll(stack.url, alice, bob, stranger);

    const laptop = await addDevice(alice);
    const added = { type: 'user.devices-changed', userId: alice.userId, change: 'added', deviceId: laptop.deviceId };
    expect(await bobSocket.next('user.devices-changed', (f) => f.deviceId === laptop.deviceId)).toEqual(added);
    expect(await aliceSocket.next('user.devices-changed', (f) => f.deviceId === laptop.deviceId)).toEqual(added);
    const laptopSocket = await connectSocket(stack.url, laptop);

    // Someone else's device, or an unknown one, is not found.
    expect((await bob.http.request('DELETE', `/api/directory/devices/${laptop.deviceId}`)).status).toBe(404);
    expect((await alice.http.request('DELETE', `/api/directory/devices/${randomUUID()}`)).status).toBe(404);

    expect((await alice.http.request('DELETE', `/api/directory/devices/${laptop.deviceId}`)).status).toBe(204);
    expect((await laptopSocket.closed).code).toBe(WsCloseCode.deviceRemoved);
    expect(await bobSocket.next('user.devices-changed', (f) => f.change === 'removed')).toEqual({ ...added, change: 'removed' });
    await aliceSocket.next('user.devices-changed', (f) => f.change === 'removed');
    expect(UserKeysResponse.parse((await keysOf(bob, alice.userId)).body).devices.map((d) => d.deviceId)).toEqual([alice.deviceId]);
    // The removed device can no longer authenticate a socket.
    const retry = await TestSocket.open(wsUrlOf(stack.url));
    retry.send({ type: 'auth', token: alice.http.accessToken, deviceId: laptop.deviceId });
    expect((await retry.closed).code).toBe(WsCloseCode.unauthorized);
    // Nothing of this reached a user who shares no conversation with Alice.
    await expectNoFrame(strangerSocket, (f) => f.type === 'user.devices-changed' && f.userId === alice.userId, 100);
    for (const s of [aliceSocket, bobSocket, strangerSocket]) s.close();
  });

  it('versions a replaced identity key, tells contacts (safety number changed) and drops the old key’s devices', async () => {
    const [alice, bob] = await Promise.all([newV1User(stack.url), newV1User(stack.url)]);
    await openDm(alice, bob);
    const bobSocket = await connectSocket(stack.url, bob);
    const oldDeviceSocket = await connectSocket(stack.url, alice);

    // Setting the same key again changes nothing.
    const same = await alice.http.request('PUT', '/api/directory/identity', { identityKey: alice.identity.publicKey });
    expect(same.status).toBe(200);
    expect(IdentityKeyResponse.parse(same.body).identityKeyVersion).toBe(1);

    // Alice lost every device and has no backup: a new identity key.
    const fresh = p256Pair();
    const replaced = await alice.http.request('PUT', '/api/directory/identity', { identityKey: fresh.publicKey });
    expect(replaced.status).toBe(200);
    const body = IdentityKeyResponse.parse(replaced.body);
    expect(body).toMatchObject({ userId: alice.userId, identityKey: fresh.publicKey, identityKeyVersion: 2 });
    expect(await bobSocket.next('user.identity-changed', (f) => f.identityKeyVersion === 2)).toEqual({ type: 'user.identity-changed', userId: alice.userId, identityKeyVersion: 2 });
    // The old key's certificate speaks for nobody: that device is gone and its socket closed.
    expect((await oldDeviceSocket.closed).code).toBe(WsCloseCode.deviceRemoved);
    await bobSocket.next('user.devices-changed', (f) => f.change === 'removed' && f.deviceId === alice.deviceId);
    const keys = UserKeysResponse.parse((await keysOf(bob, alice.userId)).body);
    expect(keys).toMatchObject({ identityKey: fresh.publicKey, identityKeyVersion: 2, devices: [] });
    expect(Date.parse(keys.identityKeyChangedAt!)).toBeGreaterThan(Date.now() - 60_000);
    // A certificate by the old key is refused now; one by the new key is accepted.
    expect((await alice.http.request('POST', '/api/directory/devices', certifiedDeviceBody(alice.userId, alice.identity))).status).toBe(400);
    expect((await alice.http.request('POST', '/api/directory/devices', certifiedDeviceBody(alice.userId, fresh))).status).toBe(201);
    bobSocket.close();
  });

  it('keeps the v0 device body working beside v1', async () => {
    const v0 = await newUser(stack.url);
    const devices = await v0.http.request('GET', `/api/directory/users/${v0.userId}/devices`);
    expect(devices.status).toBe(200);
    expect(devices.body.devices.map((d: { id: string }) => d.id)).toEqual([v0.deviceId]);
    // v1 devices are not offered to v0 senders.
    const v1 = await newV1User(stack.url);
    expect((await v0.http.request('GET', `/api/directory/users/${v1.userId}/devices`)).body.devices).toEqual([]);
  });
});
