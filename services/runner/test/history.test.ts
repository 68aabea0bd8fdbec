import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, createLogger, envVars, publishDurable, type Nats } from '@cipherlink/kit';
import { HistoryResponse, MessageSendCommand, MessageStoredEvent, subjects } from '@cipherlink/proto';
import { uuidv7 } from '@cipherlink/client';
import { startTestStack, TestHttp } from './harness';
import type { Stack } from '../src/stack';

/**
 * History reads through the whole stack: a real access token from auth, membership from the directory, messages
 * stored by message-store from commands on JetStream (published here the way the gateway does).
 */

let stack: Stack;
let nats: Nats;
let alice: TestHttp;
let bob: TestHttp;
let carol: TestHttp;
let conversationId: string;
let aliceId: string;
let aliceDeviceId: string;
const sentIds: string[] = [];


/** A real P-256 public key as the 65-byte uncompressed point the directory expects, base64url. */
function rawP256PublicKey(): string {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]).toString('base64url');
}

beforeAll(async () => {
  stack = await startTestStack();
  nats = await connectNats({ url: envVars.NATS_URL.parse(process.env.NATS_URL), name: 'history-test', logger: createLogger({ name: 'history-test', level: 'silent' }) });
  alice = new TestHttp(stack.url);
  bob = new TestHttp(stack.url);
  carol = new TestHttp(stack.url);
  aliceId = (await alice.signUp()).user.id;
  const bobId = (await bob.signUp()).user.id;
  await carol.signUp();

  const device = await alice.request('PUT', '/api/directory/devices', { publicKey: rawP256PublicKey() });
  expect(device.status, JSON.stringify(device.body)).toBeLessThan(300);
  aliceDeviceId = device.body.device.id;
  const dm = await alice.request('POST', '/api/directory/dms', { peerUserId: bobId });
  expect(dm.status, JSON.stringify(dm.body)).toBeLessThan(300);
  conversationId = dm.body.conversation.id;

  // Alice "sends" three messages: the commands the gateway would publish, each with Nats-Msg-Id = message id.
  const stored: number[] = [];
  const sub = nats.nc.subscribe(subjects.evt.messageStored(conversationId), {
    callback: (_err, msg) => {
      stored.push(MessageStoredEvent.parse(msg.json()).message.seq);
    },
  });
  for (let i = 0; i < 3; i++) {
    const id = uuidv7();
    sentIds.push(id);
    const cmd: MessageSendCommand = {
      v: 1,
      id,
      conversationId,
      senderUserId: aliceId,
      senderDeviceId: aliceDeviceId,
      envelope: { v: 0, senderDeviceId: aliceDeviceId, recipientDeviceId: randomUUID(), iv: randomBytes(12).toString('base64url'), ct: randomBytes(48).toString('base64url') },
      receivedAt: new Date().toISOString(),
    };
    await publishDurable(nats, subjects.cmd.messageSend(conversationId), MessageSendCommand, cmd, { msgId: id });
  }
  const deadline = Date.now() + 15_000;
  while (stored.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  sub.unsubscribe();
  expect(stored.sort()).toEqual([1, 2, 3]);
});

afterAll(async () => {
  await nats?.close();
  await stack?.close();
});

describe('GET /api/messages/:conversationId through the whole stack', () => {
  it('gives each member the history in seq order', async () => {
    for (const reader of [bob, alice]) {
      const res = await reader.request('GET', `/api/messages/${conversationId}`);
      expect(res.status).toBe(200);
      const body = HistoryResponse.parse(res.body);
      expect(body.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(body.messages.map((m) => m.id)).toEqual(sentIds);
      expect(body.messages.every((m) => m.senderUserId === aliceId && m.senderDeviceId === aliceDeviceId)).toBe(true);
      expect(body.hasMore).toBe(false);
    }
  });

  it('pages with afterSeq and limit', async () => {
    const first = HistoryResponse.parse((await bob.request('GET', `/api/messages/${conversationId}?limit=2`)).body);
    expect(first.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(first.hasMore).toBe(true);
    const rest = HistoryResponse.parse((await bob.request('GET', `/api/messages/${conversationId}?afterSeq=2&limit=2`)).body);
    expect(rest.messages.map((m) => m.seq)).toEqual([3]);
    expect(rest.hasMore).toBe(false);
    const none = HistoryResponse.parse((await bob.request('GET', `/api/messages/${conversationId}?afterSeq=3`)).body);
    expect(none).toEqual({ messages: [], hasMore: false });
  });

  it('answers 404 to a non-member, exactly as for a conversation that does not exist', async () => {
    const res = await carol.request('GET', `/api/messages/${conversationId}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const unknown = await carol.request('GET', `/api/messages/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(res.body);
  });

  it('rejects a bad query with 400', async () => {
    for (const q of ['limit=0', 'afterSeq=-1', 'limit=abc']) {
      const res = await bob.request('GET', `/api/messages/${conversationId}?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code, q).toBe('bad_request');
    }
  });

  it('requires an access token', async () => {
    const anonymous = new TestHttp(stack.url);
    const res = await anonymous.request('GET', `/api/messages/${conversationId}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });
});
