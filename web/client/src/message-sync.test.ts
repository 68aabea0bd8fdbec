import { describe, expect, it, vi } from 'vitest';
import type { ClientFrame, StoredMessage } from '@cipherlink/proto';
import { OutboundSenderKey, SenderKeyRing, type MessagePayload } from './crypto/v1';
import { decryptManyV1, decryptV1, type DecryptOutcome, type MessageCrypto } from './e2ee/message-crypto';
import { EditNotAllowedError, MessageTooLongError, SendRejectedError, UntrustedIdentityError } from './errors';
import { MessageSync } from './message-sync';
import type { CipherLinkApi } from './transport/cipherlink-api';
import type { DecryptedMessage } from './types';
import { createUuidV7Generator } from './uuidv7';

const ALICE = { id: '0190a6e0-0000-4000-8000-0000000000a1', username: 'alice' };
const BOB = { id: '0190a6e0-0000-4000-8000-0000000000b1', username: 'bob' };
const ALICE_DEV = '0190a6e0-0000-4000-8000-0000000000a2';
const BOB_DEV = '0190a6e0-0000-4000-8000-0000000000b2';
const CAROL = { id: '0190a6e0-0000-4000-8000-0000000000d1', username: 'carol' };
const CAROL_DEV = '0190a6e0-0000-4000-8000-0000000000d2';
const CONV = '0190a6e0-0000-4000-8000-0000000000c1';
const nextId = createUuidV7Generator();
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/**
 * Alice's MessageSync over real protocol v1 crypto (sender keys, signatures, payloads), with an in-memory server.
 * Bob and Carol encrypt with their own sender keys; whether Alice holds Bob's share is up to each test, Carol's she
 * never gets. Alice's crypto decrypts pages in one batch (decryptManyV1), or, with `batch: false`, one message
 * after the other (decryptV1: the path before batches), to compare.
 */
async function world(opts: { aliceHasBobsKey?: boolean; pageSize?: number } = {}) {
  const server: StoredMessage[] = [];
  const historyCalls: number[] = [];
  const api = {
    history: async (_c: string, afterSeq: number, limit: number) => {
      historyCalls.push(afterSeq);
      const after = server.filter((m) => m.seq > afterSeq);
      return { messages: after.slice(0, limit), hasMore: after.length > limit };
    },
  } as unknown as CipherLinkApi;
  const bobKey = await OutboundSenderKey.create({ conversationId: CONV, epoch: 0, senderDeviceId: BOB_DEV, senderUserId: BOB.id });
  const aliceKey = await OutboundSenderKey.create({ conversationId: CONV, epoch: 0, senderDeviceId: ALICE_DEV, senderUserId: ALICE.id });
  const carolKey = await OutboundSenderKey.create({ conversationId: CONV, epoch: 0, senderDeviceId: CAROL_DEV, senderUserId: CAROL.id });
  const bobShare = bobKey.share();
  const bobRing = new SenderKeyRing();
  await bobRing.add(aliceKey.share());
  /** Alice's held keys; a new ring is Alice after a reload (same shares, fresh chain positions). */
  const aliceShares = [aliceKey.share(), ...(opts.aliceHasBobsKey === false ? [] : [bobShare])];
  const ringOf = async () => {
    const ring = new SenderKeyRing();
    for (const s of aliceShares) await ring.add(s);
    return ring;
  };
  const gate = { blocked: false };
  /** Ids of the messages each decryptMany call was given, and of those reported as missing their sender key. */
  const batches: string[][] = [];
  const missingKeys: string[] = [];
  const onMissingKey = (m: StoredMessage) => void missingKeys.push(m.id);
  const cryptoOf = (ring: SenderKeyRing, batch: boolean): MessageCrypto => ({
    checkCanSend: async () => {
      if (gate.blocked) throw new UntrustedIdentityError([BOB.id]);
    },
    encrypt: (_conv, messageId, payload) => aliceKey.encrypt(messageId, payload),
    decrypt: (stored) => decryptV1(ring, stored, onMissingKey),
    decryptMany: async (stored) => {
      batches.push(stored.map((m) => m.id));
      if (batch) return decryptManyV1(ring, stored, onMissingKey);
      const outcomes: DecryptOutcome[] = [];
      for (const m of stored) outcomes.push(await decryptV1(ring, m, onMissingKey));
      return outcomes;
    },
  });
  const sends =
    (key: OutboundSenderKey, userId: string, deviceId: string) =>
    async (payload: MessagePayload | string): Promise<StoredMessage> => {
      const id = nextId();
      const envelope = await key.encrypt(id, typeof payload === 'string' ? { type: 'text', text: payload } : payload);
      const stored: StoredMessage = { id, conversationId: CONV, seq: server.length + 1, senderUserId: userId, senderDeviceId: deviceId, envelope, createdAt: new Date().toISOString() };
      server.push(stored);
      return stored;
    };
  /** Bob (or Carol) sends a payload; the server stores it with the next seq. */
  const bobSends = sends(bobKey, BOB.id, BOB_DEV);
  const carolSends = sends(carolKey, CAROL.id, CAROL_DEV);
  const sent: ClientFrame[] = [];
  const events: DecryptedMessage[] = [];
  const removed: string[] = [];
  let ring = await ringOf();
  const aliceClient = async (o: { batch?: boolean } = {}) => {
    ring = await ringOf();
    return new MessageSync({
      session: { user: ALICE, deviceId: ALICE_DEV },
      api,
      crypto: cryptoOf(ring, o.batch ?? true),
      sendFrame: async (f) => void sent.push(f),
      emit: (m) => events.push(m),
      emitRemoved: (r) => removed.push(r.id),
      historyPageSize: opts.pageSize ?? 2,
      ackTimeoutMs: 200,
    });
  };
  const sync = await aliceClient();
  /** Store Alice's last sent frame on the server with the next seq and ack it. */
  const storeAndAck = async (s: MessageSync): Promise<StoredMessage> => {
    const frame = sent.at(-1) as Extract<ClientFrame, { type: 'message.send' }>;
    const stored: StoredMessage = { id: frame.id, conversationId: CONV, seq: server.length + 1, senderUserId: ALICE.id, senderDeviceId: ALICE_DEV, envelope: frame.envelope, createdAt: new Date().toISOString() };
    server.push(stored);
    await s.onAck({ id: frame.id, conversationId: CONV, seq: stored.seq });
    return stored;
  };
  return { sync, aliceClient, api, server, bobSends, carolSends, historyCalls, sent, events, removed, bobRing, bobShare, ring: () => ring, gate, storeAndAck, batches, missingKeys };
}

describe('MessageSync', () => {
  it('pages through history, decrypts, and returns messages sorted by seq', async () => {
    const w = await world();
    for (const t of ['one', 'two', 'three', 'four', 'five']) await w.bobSends(t);
    const list = await w.sync.history(CONV);
    expect(list.map((m) => [m.seq, m.body])).toEqual(['one', 'two', 'three', 'four', 'five'].map((text, i) => [i + 1, { kind: 'text', text }]));
    expect(list.every((m) => !m.mine && m.status === 'sent' && m.protocol === 1)).toBe(true);
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

  it("shows \"can't decrypt yet\" while the sender key is missing and decrypts when it arrives, out of order too", async () => {
    const w = await world({ aliceHasBobsKey: false });
    const m1 = await w.bobSends('first');
    const m2 = await w.bobSends('second');
    // Delivered in reverse order, before the key.
    await w.sync.onMessage(m2);
    await w.sync.onMessage(m1);
    const waiting = await w.sync.history(CONV);
    expect(waiting.map((m) => m.body)).toEqual([
      { kind: 'undecryptable', code: 'waiting-for-key', reason: "can't decrypt yet: waiting for the sender's key", retrying: true },
      { kind: 'undecryptable', code: 'waiting-for-key', reason: "can't decrypt yet: waiting for the sender's key", retrying: true },
    ]);
    await w.ring().add(w.bobShare);
    await w.sync.keyArrived(CONV);
    expect((await w.sync.history(CONV)).map((m) => m.body)).toEqual([
      { kind: 'text', text: 'first' },
      { kind: 'text', text: 'second' },
    ]);
    expect(w.events.at(-1)).toMatchObject({ body: { kind: 'text' } });
  });

  it('marks a tampered or replayed-elsewhere message rejected, never garbage', async () => {
    const w = await world();
    const m = await w.bobSends('x');
    const ct = m.envelope.ct;
    const tampered = { ...m, envelope: { ...m.envelope, ct: (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1) } };
    await w.sync.onMessage(tampered);
    expect(w.events[0]!.body).toMatchObject({ kind: 'undecryptable', code: 'rejected', retrying: false });
    // The same ciphertext delivered under another message id is refused too (the id is authenticated).
    await w.sync.onMessage({ ...m, id: nextId(), seq: 2 });
    expect(w.events.at(-1)!.body).toMatchObject({ kind: 'undecryptable', code: 'rejected' });
  });

  it('sendText: pending, then sent with seq on ack; the echo merges by id; Bob can decrypt it', async () => {
    const w = await world();
    const done = w.sync.sendText(CONV, 'hi bob');
    await tick(20);
    expect(w.events[0]).toMatchObject({ status: 'pending', seq: 0, mine: true, body: { kind: 'text', text: 'hi bob' } });
    const frame = w.sent[0] as Extract<ClientFrame, { type: 'message.send' }>;
    expect(frame).toMatchObject({ type: 'message.send', conversationId: CONV, envelope: { v: 1, senderDeviceId: ALICE_DEV, epoch: 0, chainIndex: 0 } });
    const stored = await w.storeAndAck(w.sync);
    await expect(done).resolves.toMatchObject({ id: frame.id, status: 'sent', seq: 1 });
    await w.sync.onMessage(stored);
    const list = await w.sync.history(CONV);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'sent', seq: 1, body: { kind: 'text', text: 'hi bob' } });
    const plain = await w.bobRing.decrypt(frame.envelope, { conversationId: CONV, messageId: frame.id, senderUserId: ALICE.id, senderDeviceId: ALICE_DEV });
    expect(plain.payload).toEqual({ type: 'text', text: 'hi bob' });
  });

  it('refuses to send before anything is shown when the crypto says no (a blocked identity change)', async () => {
    const w = await world();
    w.gate.blocked = true;
    await expect(w.sync.sendText(CONV, 'hello?')).rejects.toBeInstanceOf(UntrustedIdentityError);
    expect(w.events).toEqual([]);
    expect(w.sent).toEqual([]);
  });

  it('refuses empty and oversized texts with typed errors', async () => {
    const w = await world();
    await expect(w.sync.sendText(CONV, '')).rejects.toBeInstanceOf(TypeError);
    await expect(w.sync.sendText(CONV, 'x'.repeat(40_000))).rejects.toBeInstanceOf(MessageTooLongError);
    expect(w.sent).toEqual([]);
  });

  it('replies quote the answered text; reactions, edits and deletes apply to their target on both sides', async () => {
    const w = await world();
    const bobMsg = await w.bobSends('question?');
    await w.sync.onMessage(bobMsg);
    const reply = w.sync.sendText(CONV, 'answer', { replyTo: bobMsg.id });
    await tick(20);
    await w.storeAndAck(w.sync);
    const mine = await reply;
    expect(mine.replyTo).toEqual({ messageId: bobMsg.id, quote: 'question?' });

    const reacted = w.sync.react(bobMsg.id, '👍', false);
    await tick(20);
    await w.storeAndAck(w.sync);
    expect((await reacted).reactions).toEqual([{ emoji: '👍', userIds: [ALICE.id], mine: true }]);
    expect(w.sync.hasMyReaction(bobMsg.id, '👍')).toBe(true);

    const edited = w.sync.edit(mine.id, 'better answer');
    await tick(20);
    await w.storeAndAck(w.sync);
    expect(await edited).toMatchObject({ id: mine.id, body: { kind: 'text', text: 'better answer' }, replyTo: { messageId: bobMsg.id } });

    // Only the author edits or deletes.
    await expect(w.sync.edit(bobMsg.id, 'not mine')).rejects.toBeInstanceOf(EditNotAllowedError);
    await expect(w.sync.deleteMessage(bobMsg.id)).rejects.toBeInstanceOf(EditNotAllowedError);
    const deleted = w.sync.deleteMessage(mine.id);
    await tick(20);
    await w.storeAndAck(w.sync);
    expect((await deleted).body).toEqual({ kind: 'deleted', reason: 'deleted by the sender' });

    // Bob's reaction and a forged edit of Alice's message by Bob arrive: the reaction counts, the edit does not.
    await w.sync.onMessage(await w.bobSends({ type: 'reaction', messageId: bobMsg.id, emoji: '👍', remove: false }));
    await w.sync.onMessage(await w.bobSends({ type: 'edit', messageId: bobMsg.id, text: 'question, edited' }));
    const list = await w.sync.history(CONV);
    expect(list.map((m) => m.id)).toEqual([bobMsg.id, mine.id]);
    expect(list[0]).toMatchObject({ body: { kind: 'text', text: 'question, edited' }, reactions: [{ emoji: '👍', userIds: [ALICE.id, BOB.id], mine: true }] });
    expect(list[1]!.body.kind).toBe('deleted');

    // After a reload the same view is rebuilt from history alone (every action is a stored, encrypted message).
    const reloaded = await w.aliceClient();
    const again = await reloaded.history(CONV);
    // (Our own drafts keep the local clock until the server's copy is read; the server's time wins then.)
    const withoutTime = (ms: DecryptedMessage[]) => ms.map(({ createdAt: _t, editedAt: _e, ...m }) => m);
    expect(withoutTime(again)).toEqual(withoutTime(list));
  });

  it('an undecryptable item that turns out to be a reaction disappears from the list', async () => {
    const w = await world({ aliceHasBobsKey: false });
    const target = w.sync;
    const own = target.sendText(CONV, 'react to me');
    await tick(20);
    const stored = await w.storeAndAck(target);
    await own;
    await target.onMessage(stored);
    const r = await w.bobSends({ type: 'reaction', messageId: stored.id, emoji: '🎉', remove: false });
    await target.onMessage(r);
    expect((await target.history(CONV)).map((m) => m.id)).toEqual([stored.id, r.id]);
    await w.ring().add(w.bobShare);
    await target.keyArrived(CONV);
    expect(w.removed).toEqual([r.id]);
    const list = await target.history(CONV);
    expect(list.map((m) => m.id)).toEqual([stored.id]);
    expect(list[0]!.reactions).toEqual([{ emoji: '🎉', userIds: [BOB.id], mine: false }]);
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
    await expect.poll(() => w.events.at(-1)).toMatchObject({ id, status: 'failed' });
  });

  it('sendText rejects and emits failed when no ack arrives in time', async () => {
    const w = await world();
    await expect(w.sync.sendText(CONV, 'lost')).rejects.toMatchObject({ name: 'AckTimeoutError' });
    expect(w.events.map((e) => e.status)).toEqual(['pending', 'failed']);
  });

  it('decrypts our own messages after a reload, but never shows them as the peer’s when the server relabels the sender', async () => {
    const w = await world();
    const done = w.sync.sendText(CONV, 'I said this');
    await tick(20);
    const stored = await w.storeAndAck(w.sync);
    await done;
    w.events.length = 0;
    await (await w.aliceClient()).onMessage(stored);
    expect(w.events.at(-1)).toMatchObject({ mine: true, body: { kind: 'text', text: 'I said this' } });
    // The server claims Bob sent it: Alice's sender key belongs to Alice, so it is refused.
    await (await w.aliceClient()).onMessage({ ...stored, senderUserId: BOB.id });
    expect(w.events.at(-1)).toMatchObject({ mine: false, body: { kind: 'undecryptable', code: 'rejected' } });
  });

  it('fills the gap an ack reveals (a peer message that was never delivered to us)', async () => {
    const w = await world();
    await w.sync.onMessage(await w.bobSends('one'));
    await w.bobSends('two (lost on the way)');
    const done = w.sync.sendText(CONV, 'three');
    await tick(20);
    await w.storeAndAck(w.sync);
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

  describe('batch decryption of history pages and retries', () => {
    /** A server that answers every page with one of its messages twice. */
    function duplicating(w: Awaited<ReturnType<typeof world>>, id: string) {
      const history = w.api.history.bind(w.api);
      (w.api as unknown as { history: CipherLinkApi['history'] }).history = async (c, afterSeq, limit) => {
        const page = await history(c, afterSeq, limit);
        return { ...page, messages: [...page.messages, ...page.messages.filter((m) => m.id === id)] };
      };
    }

    it('a page with a tampered message, a missing key and a duplicate: one batch, the same results as one by one', async () => {
      const w = await world({ pageSize: 50 });
      const one = await w.bobSends('one');
      const tampered = await w.bobSends('two, altered on the server');
      const ct = tampered.envelope.ct;
      w.server[tampered.seq - 1] = { ...tampered, envelope: { ...tampered.envelope, ct: (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1) } };
      const fromCarol = await w.carolSends('Carol never shared her key');
      await w.bobSends('three');
      await w.bobSends({ type: 'edit', messageId: one.id, text: 'one, edited' });
      await w.bobSends('four');
      duplicating(w, one.id);

      const load = async (batch: boolean) => {
        const sync = await w.aliceClient({ batch });
        const [events, batches, missing] = [w.events.length, w.batches.length, w.missingKeys.length];
        const list = await sync.history(CONV);
        return { list, events: w.events.slice(events), batches: w.batches.slice(batches), missing: w.missingKeys.slice(missing) };
      };
      const oneByOne = await load(false);
      const batched = await load(true);

      expect(batched.list).toEqual(oneByOne.list);
      expect(batched.events).toEqual(oneByOne.events);
      expect(batched.missing).toEqual(oneByOne.missing);
      expect(batched.list.map((m) => [m.seq, m.body])).toEqual([
        [1, { kind: 'text', text: 'one, edited' }],
        [2, { kind: 'undecryptable', code: 'rejected', reason: 'the sender signature does not verify (forged or altered)', retrying: false }],
        [3, { kind: 'undecryptable', code: 'waiting-for-key', reason: "can't decrypt yet: waiting for the sender's key", retrying: true }],
        [4, { kind: 'text', text: 'three' }],
        [6, { kind: 'text', text: 'four' }],
      ]);
      expect(batched.list[0]!.editedAt).toBeDefined();
      // The page went to the crypto once, each id once; then the retry of what waits for a key (history's second step).
      expect(batched.batches).toEqual([w.server.map((m) => m.id), [fromCarol.id]]);
      // Each attempt at Carol's message asked for her key.
      expect(batched.missing).toEqual([fromCarol.id, fromCarol.id]);
    });

    it('decrypts only what it does not hold: our own message found in history is merged, not decrypted again', async () => {
      const w = await world({ pageSize: 50 });
      const before = await w.bobSends('before');
      const done = w.sync.sendText(CONV, 'its ack was lost');
      await tick(20);
      const frame = w.sent.at(-1) as Extract<ClientFrame, { type: 'message.send' }>;
      w.server.push({ id: frame.id, conversationId: CONV, seq: 2, senderUserId: ALICE.id, senderDeviceId: ALICE_DEV, envelope: frame.envelope, createdAt: new Date().toISOString() });
      const after = await w.bobSends('after');
      const list = await w.sync.history(CONV);
      await expect(done).resolves.toMatchObject({ id: frame.id, status: 'sent', seq: 2 });
      expect(w.batches).toEqual([[before.id, after.id]]);
      expect(list.map((m) => [m.seq, m.mine, m.body])).toEqual([
        [1, false, { kind: 'text', text: 'before' }],
        [2, true, { kind: 'text', text: 'its ack was lost' }],
        [3, false, { kind: 'text', text: 'after' }],
      ]);
    });

    it('a key that arrives late: the waiting messages are decrypted again in one batch, in seq order', async () => {
      const w = await world({ aliceHasBobsKey: false, pageSize: 50 });
      const sent = [await w.bobSends('first'), await w.bobSends('second'), await w.bobSends('third')];
      // Delivered live, last first: the first one fills the gap through history, the rest are duplicates.
      for (const m of [...sent].reverse()) await w.sync.onMessage(m);
      expect((await w.sync.history(CONV)).map((m) => m.body.kind)).toEqual(['undecryptable', 'undecryptable', 'undecryptable']);
      w.batches.length = 0;
      await w.ring().add(w.bobShare);
      await w.sync.keyArrived(CONV);
      expect(w.batches).toEqual([sent.map((m) => m.id)]);
      expect((await w.sync.history(CONV)).map((m) => m.body)).toEqual(['first', 'second', 'third'].map((text) => ({ kind: 'text', text })));
    });

    it('a crypto that fails as a whole leaves the page "offline", tried again at the next sync', async () => {
      const w = await world({ pageSize: 50 });
      await w.bobSends('one');
      await w.bobSends('two');
      const sync = new MessageSync({
        session: { user: ALICE, deviceId: ALICE_DEV },
        api: w.api,
        crypto: {
          checkCanSend: async () => undefined,
          encrypt: () => Promise.reject(new Error('unused')),
          decrypt: () => Promise.reject(new Error('unused')),
          decryptMany: () => Promise.reject(new Error('key store unavailable')),
        },
        sendFrame: async () => undefined,
        emit: () => undefined,
        emitRemoved: () => undefined,
      });
      expect((await sync.history(CONV)).map((m) => m.body)).toEqual([
        { kind: 'undecryptable', code: 'offline', reason: 'keys could not be fetched (offline?)', retrying: true },
        { kind: 'undecryptable', code: 'offline', reason: 'keys could not be fetched (offline?)', retrying: true },
      ]);
    });
  });

  it('feeds search with what it shows: latest texts; never deleted or undecryptable ones; forget drops the conversation', async () => {
    const w = await world();
    const edited = await w.bobSends('Quarterly report draft');
    await w.bobSends({ type: 'edit', messageId: edited.id, text: 'Quarterly budget draft' });
    const deleted = await w.bobSends('report to be deleted');
    await w.bobSends({ type: 'delete', messageId: deleted.id });
    await w.carolSends('report Alice cannot read');
    const kept = await w.bobSends('Another report');
    await w.sync.history(CONV);
    expect(w.sync.search.query('report')).toMatchObject([{ messageId: kept.id, conversationId: CONV, senderUserId: BOB.id, mine: false, text: 'Another report' }]);
    expect(w.sync.search.query('budget')).toMatchObject([{ messageId: edited.id, text: 'Quarterly budget draft', editedAt: expect.any(String) }]);
    expect(w.sync.search.query('draft').map((r) => r.messageId)).toEqual([edited.id]);
    w.sync.forget(CONV);
    expect(w.sync.search.size).toBe(0);
    expect(w.sync.search.query('report')).toEqual([]);
  });
});
