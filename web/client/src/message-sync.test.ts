import { describe, expect, it, vi } from 'vitest';
import type { ClientFrame, Conversation, Device, StoredMessage } from '@cipherlink/proto';
import { generateDeviceKeyPair, ProtocolV0, toBase64Url, type DeviceKeyPair } from './crypto';
import { SendRejectedError } from './errors';
import { MessageSync } from './message-sync';
import { PeerDirectory } from './peer-directory';
import type { CipherLinkApi } from './transport/cipherlink-api';
import type { DecryptedMessage } from './types';
import { createUuidV7Generator } from './uuidv7';

const ALICE = { id: '0190a6e0-0000-4000-8000-0000000000a1', username: 'alice' };
const BOB = { id: '0190a6e0-0000-4000-8000-0000000000b1', username: 'bob' };
const ALICE_DEV = '0190a6e0-0000-4000-8000-0000000000a2';
const BOB_DEV = '0190a6e0-0000-4000-8000-0000000000b2';
const OTHER_DEV = '0190a6e0-0000-4000-8000-0000000000a3';
const CONV = '0190a6e0-0000-4000-8000-0000000000c1';
const conversation: Conversation = { id: CONV, kind: 'dm', name: null, members: [ALICE, BOB], createdAt: '2025-01-01T00:00:00.000Z' };
const nextId = createUuidV7Generator();
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

async function world() {
  const aliceKeys = await generateDeviceKeyPair();
  const bobKeys = await generateDeviceKeyPair();
  const device = (id: string, userId: string, k: DeviceKeyPair): Device => ({
    id,
    userId,
    publicKey: toBase64Url(k.publicKeyRaw),
    createdAt: '2025-01-01T00:00:00.000Z',
  });
  const devices: Record<string, Device[]> = { [ALICE.id]: [device(ALICE_DEV, ALICE.id, aliceKeys)], [BOB.id]: [device(BOB_DEV, BOB.id, bobKeys)] };
  /** What the server stores, in seq order. */
  const server: StoredMessage[] = [];
  const historyCalls: number[] = [];
  /** How many device-list requests fail with a network error before they work again. */
  const net = { failDeviceLookups: 0 };
  const api = {
    devicesOf: async (userId: string) => {
      if (net.failDeviceLookups > 0) {
        net.failDeviceLookups--;
        throw new TypeError('fetch failed');
      }
      return devices[userId] ?? [];
    },
    history: async (_c: string, afterSeq: number, limit: number) => {
      historyCalls.push(afterSeq);
      const after = server.filter((m) => m.seq > afterSeq);
      return { messages: after.slice(0, limit), hasMore: after.length > limit };
    },
  } as unknown as CipherLinkApi;
  const bob = new ProtocolV0({ deviceId: BOB_DEV, privateKey: bobKeys.privateKey });
  /** Bob sends a text; the server stores it with the next seq. */
  const bobSends = async (text: string, recipientDeviceId = ALICE_DEV): Promise<StoredMessage> => {
    const id = nextId();
    const envelope = await bob.encrypt({ conversationId: CONV, messageId: id, recipientDeviceId, recipientPublicKey: aliceKeys.publicKeyRaw, content: { t: 'text', text } });
    const stored: StoredMessage = { id, conversationId: CONV, seq: server.length + 1, senderUserId: BOB.id, senderDeviceId: BOB_DEV, envelope, createdAt: new Date().toISOString() };
    server.push(stored);
    return stored;
  };
  const sent: ClientFrame[] = [];
  const events: DecryptedMessage[] = [];
  /** Alice's client; called again it is Alice after a page reload (same device keys, empty memory). */
  const aliceClient = () =>
    new MessageSync({
      session: { user: ALICE, deviceId: ALICE_DEV },
      api,
      peers: new PeerDirectory(api),
      cipher: new ProtocolV0({ deviceId: ALICE_DEV, privateKey: aliceKeys.privateKey }),
      conversation: async (id) => (id === CONV ? conversation : undefined),
      sendFrame: async (f) => void sent.push(f),
      emit: (m) => events.push(m),
      historyPageSize: 2,
      ackTimeoutMs: 200,
    });
  const sync = aliceClient();
  return { sync, aliceClient, api, server, bobSends, historyCalls, sent, events, bob, aliceKeys, net };
}

describe('MessageSync', () => {
  it('pages through history, decrypts, and returns messages sorted by seq', async () => {
    const w = await world();
    for (const t of ['one', 'two', 'three', 'four', 'five']) await w.bobSends(t);
    const list = await w.sync.history(CONV);
    expect(list.map((m) => [m.seq, m.body])).toEqual(['one', 'two', 'three', 'four', 'five'].map((text, i) => [i + 1, { kind: 'text', text }]));
    expect(list.every((m) => !m.mine && m.status === 'sent')).toBe(true);
    expect(w.historyCalls).toEqual([0, 2, 4]);
    // A second call asks only for what came after and returns no duplicates.
    await w.bobSends('six');
    const again = await w.sync.history(CONV);
    expect(w.historyCalls.at(-1)).toBe(5);
    expect(again.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(again.map((m) => m.id)).size).toBe(6);
  });

  it('fills a sequence gap from history, in order, without duplicates', async () => {
    const w = await world();
    const m1 = await w.bobSends('one');
    await w.sync.onMessage(m1);
    await w.bobSends('two (missed)');
    await w.bobSends('three (missed)');
    const m4 = await w.bobSends('four');
    await w.sync.onMessage(m4);
    await w.sync.onMessage(m4); // duplicate delivery
    expect(w.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect((await w.sync.history(CONV)).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('marks a message to another device undecryptable instead of throwing', async () => {
    const w = await world();
    const m = await w.bobSends('for my other browser', OTHER_DEV);
    await w.sync.onMessage(m);
    expect(w.events).toHaveLength(1);
    expect(w.events[0]!.body).toEqual({ kind: 'undecryptable', reason: 'sent to another device' });
  });

  it('marks a tampered message undecryptable', async () => {
    const w = await world();
    const m = await w.bobSends('x');
    const ct = m.envelope.ct;
    const tampered = { ...m, envelope: { ...m.envelope, ct: (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1) } };
    await w.sync.onMessage(tampered);
    expect(w.events[0]!.body).toMatchObject({ kind: 'undecryptable' });
  });

  it('sendText: pending, then sent with seq on ack; the echo merges by id; Bob can decrypt', async () => {
    const w = await world();
    const done = w.sync.sendText(CONV, 'hi bob');
    await tick(20);
    expect(w.events[0]).toMatchObject({ status: 'pending', seq: 0, mine: true, body: { kind: 'text', text: 'hi bob' } });
    const frame = w.sent[0] as Extract<ClientFrame, { type: 'message.send' }>;
    expect(frame).toMatchObject({ type: 'message.send', conversationId: CONV, envelope: { v: 0, senderDeviceId: ALICE_DEV, recipientDeviceId: BOB_DEV } });
    await w.sync.onAck({ id: frame.id, conversationId: CONV, seq: 1 });
    const sent = await done;
    expect(sent).toMatchObject({ id: frame.id, status: 'sent', seq: 1 });
    const stored: StoredMessage = { id: frame.id, conversationId: CONV, seq: 1, senderUserId: ALICE.id, senderDeviceId: ALICE_DEV, envelope: frame.envelope, createdAt: new Date().toISOString() };
    w.server.push(stored);
    await w.sync.onMessage(stored);
    const list = await w.sync.history(CONV);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'sent', seq: 1, body: { kind: 'text', text: 'hi bob' } });
    const plain = await w.bob.decrypt({ conversationId: CONV, messageId: frame.id, envelope: frame.envelope, peerPublicKey: w.aliceKeys.publicKeyRaw });
    expect(plain).toEqual({ t: 'text', text: 'hi bob' });
  });

  it('sendText rejects and emits failed on an error frame with its id as ref', async () => {
    const w = await world();
    const done = w.sync.sendText(CONV, 'nope');
    await tick(20);
    const id = (w.sent[0] as { id: string }).id;
    w.sync.onSendError(id, 'forbidden', 'not a member');
    await expect(done).rejects.toBeInstanceOf(SendRejectedError);
    expect(w.events.at(-1)).toMatchObject({ id, status: 'failed' });
  });

  it('rate_limited: stays pending, goes out again with the same id after retryAfterSeconds, then is sent', async () => {
    const w = await world();
    const done = w.sync.sendText(CONV, 'slow down');
    await expect.poll(() => w.sent.length).toBe(1);
    const first = w.sent[0] as Extract<ClientFrame, { type: 'message.send' }>;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldClearNativeTimers: true });
    try {
      w.sync.onSendError(first.id, 'rate_limited', 'too many frames', 2);
      // Far longer than the 200 ms ack timeout: waiting out the limit does not count against it.
      await vi.advanceTimersByTimeAsync(1_990);
      expect(w.sent).toHaveLength(1);
      expect(w.events.map((e) => e.status)).toEqual(['pending']);
      // Sent again within the jitter the client adds (under 250 ms); the server then acks it at once.
      for (let waited = 0; waited < 300 && w.sent.length < 2; waited += 10) await vi.advanceTimersByTimeAsync(10);
      expect(w.sent).toEqual([first, first]);
    } finally {
      vi.useRealTimers();
    }
    await w.sync.onAck({ id: first.id, conversationId: CONV, seq: 1 });
    await expect(done).resolves.toMatchObject({ id: first.id, status: 'sent', seq: 1 });
    expect(w.events.map((e) => e.status)).toEqual(['pending', 'sent']);
  });

  it('rate_limited again and again: gives up after a few resends and marks the message failed', async () => {
    const w = await world();
    const outcome = w.sync.sendText(CONV, 'flood').catch((e: unknown) => e);
    await expect.poll(() => w.sent.length).toBe(1);
    const id = (w.sent[0] as { id: string }).id;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldClearNativeTimers: true });
    try {
      for (let i = 0; i < 5; i++) {
        w.sync.onSendError(id, 'rate_limited', 'too many frames');
        // The server answers each resend at once with another rate_limited (well within the ack timeout).
        for (let waited = 0; waited < 1_300 && w.sent.length < i + 2; waited += 10) await vi.advanceTimersByTimeAsync(10);
        expect(w.sent).toHaveLength(i + 2);
      }
      w.sync.onSendError(id, 'rate_limited', 'too many frames');
    } finally {
      vi.useRealTimers();
    }
    expect(await outcome).toMatchObject({ name: 'SendRejectedError', code: 'rate_limited' });
    expect(w.sent).toHaveLength(6);
    expect(w.events.at(-1)).toMatchObject({ id, status: 'failed' });
  });

  it('sendText rejects and emits failed when no ack arrives in time', async () => {
    const w = await world();
    await expect(w.sync.sendText(CONV, 'lost')).rejects.toMatchObject({ name: 'AckTimeoutError' });
    expect(w.events.map((e) => e.status)).toEqual(['pending', 'failed']);
  });


  it("decrypts our own messages after a reload, but never shows them as the peer's when the server relabels the sender", async () => {
    const w = await world();
    const done = w.sync.sendText(CONV, 'I said this');
    await tick(20);
    const frame = w.sent[0] as Extract<ClientFrame, { type: 'message.send' }>;
    await w.sync.onAck({ id: frame.id, conversationId: CONV, seq: 1 });
    await done;
    const stored: StoredMessage = { id: frame.id, conversationId: CONV, seq: 1, senderUserId: ALICE.id, senderDeviceId: ALICE_DEV, envelope: frame.envelope, createdAt: new Date().toISOString() };
    w.events.length = 0;
    await w.aliceClient().onMessage(stored);
    expect(w.events.at(-1)).toMatchObject({ mine: true, body: { kind: 'text', text: 'I said this' } });
    // The server claims Bob sent it (device id consistent, user id swapped): our key would decrypt it anyway.
    await w.aliceClient().onMessage({ ...stored, senderUserId: BOB.id });
    expect(w.events.at(-1)).toMatchObject({ mine: false, body: { kind: 'undecryptable', reason: 'sender mismatch' } });
  });

  it('decrypts again a message whose sender key could not be fetched (offline) on the next history sync', async () => {
    const w = await world();
    const m = await w.bobSends('while the directory was unreachable');
    w.net.failDeviceLookups = 1;
    await w.sync.onMessage(m);
    expect(w.events.at(-1)).toMatchObject({ id: m.id, body: { kind: 'undecryptable' } });
    // lastSeq already covers it, so history fetches nothing new; the failed one must still be retried.
    const list = await w.sync.history(CONV);
    expect(list.map((x) => x.body)).toEqual([{ kind: 'text', text: 'while the directory was unreachable' }]);
    expect(w.events.at(-1)).toMatchObject({ id: m.id, body: { kind: 'text' } });
  });

  it('fills the gap an ack reveals (a peer message that was never delivered to us)', async () => {
    const w = await world();
    await w.sync.onMessage(await w.bobSends('one'));
    await w.bobSends('two (lost on the way)');
    const done = w.sync.sendText(CONV, 'three');
    await tick(20);
    const frame = w.sent[0] as Extract<ClientFrame, { type: 'message.send' }>;
    w.server.push({ id: frame.id, conversationId: CONV, seq: 3, senderUserId: ALICE.id, senderDeviceId: ALICE_DEV, envelope: frame.envelope, createdAt: new Date().toISOString() });
    await w.sync.onAck({ id: frame.id, conversationId: CONV, seq: 3 });
    await expect(done).resolves.toMatchObject({ seq: 3, status: 'sent' });
    expect(w.events.some((e) => e.seq === 2 && e.body.kind === 'text' && e.body.text === 'two (lost on the way)')).toBe(true);
    // Nothing left to fetch: the ack's seq is now the contiguous end.
    const calls = w.historyCalls.length;
    expect((await w.sync.history(CONV)).map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(w.historyCalls.slice(calls)).toEqual([3]);
  });

  it('stops paging when a page brings nothing new even though the server says hasMore', async () => {
    const w = await world();
    const m1 = await w.bobSends('one');
    let calls = 0;
    (w.api as unknown as { history: unknown }).history = async () => {
      if (++calls > 20) throw new Error('history requested forever');
      return { messages: [m1], hasMore: true };
    };
    await expect(w.sync.history(CONV)).resolves.toHaveLength(1);
    expect(calls).toBe(2);
  });

  it('after a reconnect, sends again an unacknowledged frame that left on the old socket, with the same id', async () => {
    const w = await world();
    const done = w.sync.sendText(CONV, 'sent as the socket died');
    await tick(20);
    expect(w.sent).toHaveLength(1);
    const first = w.sent[0] as Extract<ClientFrame, { type: 'message.send' }>;
    await tick(150); // most of the 200 ms ack timeout goes by before the socket is back
    w.sync.resendUnacked(Date.now() + 1);
    expect(w.sent).toHaveLength(2);
    expect(w.sent[1]).toEqual(first);
    // A frame that left on the new socket is not sent a third time.
    w.sync.resendUnacked(Date.now() - 1_000);
    expect(w.sent).toHaveLength(2);
    await tick(100); // past the original deadline: the resend restarted the ack timeout
    await w.sync.onAck({ id: first.id, conversationId: CONV, seq: 1 });
    await expect(done).resolves.toMatchObject({ id: first.id, status: 'sent', seq: 1 });
    expect(w.events.map((e) => e.status)).toEqual(['pending', 'sent']);
  });
});
