import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_CIPHERTEXT_CHARS, StoredMessage } from '@cipherlink/proto';
import type { MessageStore } from '../src/store/message-store';
import { sendCommand } from './fixtures';

/** Builds a migrated store for the suite; `dispose` closes it and anything it started. */
export type StoreFactory = () => Promise<{ store: MessageStore; dispose: () => Promise<void> }>;

/**
 * The behaviour every MessageStore adapter must have. Call inside a describe block; each case uses fresh
 * conversation ids so the suite can run against a shared, non-empty database.
 */
export function defineStoreContract(factory: StoreFactory): void {
  let store: MessageStore;
  let dispose: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ store, dispose } = await factory());
  });
  afterAll(async () => {
    await dispose?.();
  });

  it('assigns seq 1..n per conversation and returns a valid StoredMessage', async () => {
    const conversationId = randomUUID();
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { message, created } = await store.append(sendCommand({ conversationId }));
      expect(created).toBe(true);
      expect(StoredMessage.parse(message)).toEqual(message);
      seqs.push(message.seq);
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });

  it('is idempotent by message id: a re-append returns the original and takes no seq', async () => {
    const conversationId = randomUUID();
    const cmd = sendCommand({ conversationId });
    const first = await store.append(cmd);
    const again = await store.append(cmd);
    const upper = await store.append({ ...cmd, id: cmd.id.toUpperCase() });
    expect(first.created).toBe(true);
    expect(again).toEqual({ message: first.message, created: false });
    expect(upper).toEqual({ message: first.message, created: false });
    const next = await store.append(sendCommand({ conversationId }));
    expect(next.message.seq).toBe(2);
    const page = await store.history(conversationId, 0, 10);
    expect(page.messages.map((m) => m.id)).toEqual([cmd.id, next.message.id]);
  });

  it('gives 50 concurrent appends to one conversation exactly the seqs 1..50', async () => {
    const conversationId = randomUUID();
    const cmds = Array.from({ length: 50 }, () => sendCommand({ conversationId }));
    const results = await Promise.all(cmds.map((c) => store.append(c)));
    expect(results.every((r) => r.created)).toBe(true);
    const seqs = results.map((r) => r.message.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const page = await store.history(conversationId, 0, 100);
    expect(page.messages).toHaveLength(50);
    expect(new Set(page.messages.map((m) => m.id))).toEqual(new Set(cmds.map((c) => c.id)));
  });

  it('keeps concurrent re-appends of one id to one message and one seq', async () => {
    const conversationId = randomUUID();
    const cmd = sendCommand({ conversationId });
    const results = await Promise.all(Array.from({ length: 10 }, () => store.append(cmd)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.message.seq))).toEqual(new Set([1]));
    expect((await store.append(sendCommand({ conversationId }))).message.seq).toBe(2);
  });

  it('pages history with afterSeq, limit and hasMore, ordered by seq', async () => {
    const conversationId = randomUUID();
    for (let i = 0; i < 7; i++) await store.append(sendCommand({ conversationId }));
    const first = await store.history(conversationId, 0, 3);
    expect(first.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(first.hasMore).toBe(true);
    const second = await store.history(conversationId, 3, 3);
    expect(second.messages.map((m) => m.seq)).toEqual([4, 5, 6]);
    expect(second.hasMore).toBe(true);
    const last = await store.history(conversationId, 6, 3);
    expect(last.messages.map((m) => m.seq)).toEqual([7]);
    expect(last.hasMore).toBe(false);
    const exact = await store.history(conversationId, 4, 3);
    expect(exact.messages.map((m) => m.seq)).toEqual([5, 6, 7]);
    expect(exact.hasMore).toBe(false);
    expect(await store.history(conversationId, 7, 10)).toEqual({ messages: [], hasMore: false });
    expect(await store.history(randomUUID(), 0, 10)).toEqual({ messages: [], hasMore: false });
  });

  it('keeps conversations independent', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const order = [a, b, a, a, b];
    const seqs = [];
    for (const conversationId of order) seqs.push((await store.append(sendCommand({ conversationId }))).message.seq);
    expect(seqs).toEqual([1, 1, 2, 3, 2]);
    const pageA = await store.history(a, 0, 10);
    const pageB = await store.history(b, 0, 10);
    expect(pageA.messages.every((m) => m.conversationId === a)).toBe(true);
    expect(pageA.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(pageB.messages.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('round-trips the envelope byte for byte, including the largest ciphertext', async () => {
    const conversationId = randomUUID();
    // Every base64url character, up to the largest ciphertext the wire accepts.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const ct = alphabet.repeat(MAX_CIPHERTEXT_CHARS / alphabet.length);
    const base = sendCommand({ conversationId });
    const cmd = { ...base, envelope: { ...base.envelope, ct } };
    const { message } = await store.append(cmd);
    const [read] = (await store.history(conversationId, 0, 1)).messages;
    for (const m of [message, read!]) {
      expect(m.envelope.ct).toBe(ct);
      expect(JSON.stringify(m.envelope)).toBe(JSON.stringify(cmd.envelope));
      expect(m.senderUserId).toBe(cmd.senderUserId);
      expect(m.senderDeviceId).toBe(cmd.senderDeviceId);
    }
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
}
