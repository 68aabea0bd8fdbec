import { generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { expect } from 'vitest';
import { uuidv7 } from '@cipherlink/client';
import type { KeyPackageUpload, ServerFrame } from '@cipherlink/proto';
import { connectSocket, type TestSocket, type TestUser } from './actors';
import { TestHttp } from './harness';

/**
 * Protocol v1 actors for the full-stack tests: users with an identity key and certified devices, made with
 * node:crypto exactly as the client's Web Crypto code makes them (the bytes are the ones documented in
 * web/client/src/crypto/v1/device-certificate.ts). The server never sees a private key; these tests keep them.
 */

export interface P256Pair {
  /** 65-byte uncompressed point, base64url. */
  publicKey: string;
  privateKey: KeyObject;
}

export function p256Pair(): P256Pair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const raw = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return { publicKey: raw.toString('base64url'), privateKey };
}

const LABEL = 'cipherlink/v1/device-certificate';

/** The registration body of a device of `userId`, certified by `identity` at `certifiedAt`. */
export function certifiedDeviceBody(userId: string, identity: P256Pair, opts: { deviceId?: string; certifiedAt?: number } = {}) {
  const deviceId = opts.deviceId ?? randomUUID();
  const certifiedAt = opts.certifiedAt ?? Date.now();
  const ecdhKey = p256Pair().publicKey;
  const signingKey = p256Pair().publicKey;
  const u64 = Buffer.alloc(8);
  u64.writeBigUInt64BE(BigInt(certifiedAt));
  const bytes = Buffer.concat([
    Buffer.from([LABEL.length]),
    Buffer.from(LABEL, 'ascii'),
    Buffer.from([1]),
    Buffer.from(userId.replace(/-/g, ''), 'hex'),
    Buffer.from(deviceId.replace(/-/g, ''), 'hex'),
    Buffer.from(ecdhKey, 'base64url'),
    Buffer.from(signingKey, 'base64url'),
    u64,
  ]);
  const certificate = sign('sha256', bytes, { key: identity.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return { deviceId, ecdhKey, signingKey, certificate, certifiedAt };
}

/** A v1 user: signed in, identity key set, one certified device (`deviceId`). */
export interface V1User extends TestUser {
  identity: P256Pair;
}

/** Retry a request while the directory has not consumed the user's registration yet (it answers 503 meanwhile). */
async function untilDirectoryKnows<T extends { status: number }>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const res = await call();
    if (res.status !== 503 || attempt > 40) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sign up a fresh user, set their identity key and register one certified device. */
export async function newV1User(baseUrl: string): Promise<V1User> {
  const http = new TestHttp(baseUrl);
  const { user, password, sessionId } = await http.signUp();
  const identity = p256Pair();
  const set = await untilDirectoryKnows(() => http.request('PUT', '/api/directory/identity', { identityKey: identity.publicKey }));
  expect(set.status, JSON.stringify(set.body)).toBe(201);
  const device = await http.request('POST', '/api/directory/devices', certifiedDeviceBody(user.id, identity));
  expect(device.status, JSON.stringify(device.body)).toBe(201);
  return { http, userId: user.id, username: user.username, password, sessionId, deviceId: device.body.device.deviceId, identity };
}

/** Register another certified device of `user` (same identity key); returns a TestUser view of that device. */
export async function addDevice(user: V1User): Promise<V1User> {
  const device = await user.http.request('POST', '/api/directory/devices', certifiedDeviceBody(user.userId, user.identity));
  expect(device.status, JSON.stringify(device.body)).toBe(201);
  return { ...user, deviceId: device.body.device.deviceId };
}

/** Create a room owned by `owner` with `members` added; its id. */
export async function createRoom(owner: TestUser, members: TestUser[] = [], name = 'room'): Promise<string> {
  const created = await owner.http.request('POST', '/api/directory/rooms', { name });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.conversation.id as string;
  for (const m of members) {
    const added = await owner.http.request('POST', `/api/directory/rooms/${id}/members`, { userId: m.userId });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
  }
  return id;
}

/** A syntactically valid v1 envelope with random bytes (the server never decrypts). */
export function envelopeV1(senderDeviceId: string, over: Record<string, unknown> = {}) {
  return {
    v: 1 as const,
    epoch: 0,
    senderDeviceId,
    chainIndex: 0,
    prev: randomBytes(32).toString('base64url'),
    iv: randomBytes(12).toString('base64url'),
    ct: randomBytes(256 + 16).toString('base64url'),
    sig: randomBytes(64).toString('base64url'),
    ...over,
  };
}

/** Send a v1 message on `socket`; resolves with the ack (or throws with the error frame's code). */
export async function sendV1(socket: TestSocket, user: TestUser, conversationId: string): Promise<{ id: string; seq: number }> {
  const id = uuidv7();
  socket.send({ type: 'message.send', id, conversationId, envelope: envelopeV1(user.deviceId) });
  const answer = await Promise.race([
    socket.next('message.ack', (f) => f.id === id).then((f) => ({ ok: true as const, seq: f.seq })),
    socket.next('error', (f) => f.ref === id).then((f) => ({ ok: false as const, code: f.code })),
  ]);
  if (!answer.ok) throw new Error(`send refused: ${answer.code}`);
  return { id, seq: answer.seq };
}

/** A random distribution blob of `bytes` bytes (a v1 distribution is 344). */
export const blob = (bytes = 344) => randomBytes(bytes).toString('base64url');

/** Send `keys.distribute` and wait for its answer: the `keys.distributed` frame or the error frame. */
export async function distribute(
  socket: TestSocket,
  conversationId: string,
  packages: KeyPackageUpload[],
  epoch = 0,
): Promise<Extract<ServerFrame, { type: 'keys.distributed' }> | Extract<ServerFrame, { type: 'error' }>> {
  const id = randomUUID();
  socket.send({ type: 'keys.distribute', id, conversationId, epoch, packages });
  return Promise.race([socket.next('keys.distributed', (f) => f.id === id), socket.next('error', (f) => f.ref === id)]);
}

/** Open a socket for `user` (on their `deviceId`) and wait for `ready`. */
export const connectV1 = (baseUrl: string, user: TestUser) => connectSocket(baseUrl, user);

/** Wait `ms` and assert no frame matching `pred` arrived on `socket` (to prove something was NOT delivered). */
export async function expectNoFrame(socket: TestSocket, pred: (f: ServerFrame) => boolean, ms = 500): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  expect(socket.frames.filter(pred)).toEqual([]);
}

/** Open a ready socket for each user (each on their `deviceId`), in parallel; typed per position. */
export function connectAll<T extends TestUser[]>(baseUrl: string, ...users: T): Promise<{ [K in keyof T]: TestSocket }> {
  return Promise.all(users.map((u) => connectSocket(baseUrl, u))) as Promise<{ [K in keyof T]: TestSocket }>;
}
