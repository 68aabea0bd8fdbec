import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyPackage, MAX_CIPHERTEXT_CHARS, MAX_KEY_PACKAGE_BLOB_BYTES, StoredMessage } from '@cipherlink/proto';
import type { KeyPackageBatch, MessageStore } from '../src/store/message-store';
import { b64url, sendCommand } from './fixtures';

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

  describe('key packages', () => {
    const blob = (bytes = 344) => b64url(bytes);
    const batch = (over: Partial<KeyPackageBatch> = {}): KeyPackageBatch => ({
      conversationId: randomUUID(),
      epoch: 0,
      senderUserId: randomUUID(),
      senderDeviceId: randomUUID(),
      packages: [{ recipientDeviceId: randomUUID(), blob: blob() }],
      ...over,
    });

    it('numbers packages per recipient device and answers in the batch order', async () => {
      const [d1, d2, d3] = [randomUUID(), randomUUID(), randomUUID()];
      const first = await store.storeKeyPackages(batch({ epoch: 7, packages: [d2, d1, d3].map((d) => ({ recipientDeviceId: d.toUpperCase(), blob: blob() })) }));
      expect(first.map((p) => [p.recipientDeviceId, p.seq, p.epoch])).toEqual([
        [d2, 1, 7],
        [d1, 1, 7],
        [d3, 1, 7],
      ]);
      for (const p of first) expect(KeyPackage.parse(p)).toEqual(p);
      const second = await store.storeKeyPackages(batch({ packages: [{ recipientDeviceId: d1, blob: blob() }] }));
      expect(second.map((p) => p.seq)).toEqual([2]);
      const page = await store.keyPackages(d1, 0, 10);
      expect(page.hasMore).toBe(false);
      expect(page.packages.map((p) => p.seq)).toEqual([1, 2]);
      expect(page.packages[0]).toEqual(first[1]);
      expect(await store.keyPackages(randomUUID(), 0, 10)).toEqual({ packages: [], hasMore: false });
    });

    it('gives concurrent batches to the same devices consecutive seqs without losing any', async () => {
      const devices = Array.from({ length: 5 }, () => randomUUID());
      const batches = Array.from({ length: 10 }, (_, i) =>
        batch({ packages: (i % 2 ? devices : [...devices].reverse()).map((d) => ({ recipientDeviceId: d, blob: blob() })) }),
      );
      await Promise.all(batches.map((b) => store.storeKeyPackages(b)));
      for (const d of devices) {
        const page = await store.keyPackages(d, 0, 100);
        expect(page.packages.map((p) => p.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      }
    });

    it('pages with afterSeq and limit, and round-trips the largest blob', async () => {
      const device = randomUUID();
      const big = blob(MAX_KEY_PACKAGE_BLOB_BYTES);
      for (let i = 0; i < 5; i++) await store.storeKeyPackages(batch({ packages: [{ recipientDeviceId: device, blob: i === 4 ? big : blob() }] }));
      const page = await store.keyPackages(device, 1, 2);
      expect(page.packages.map((p) => p.seq)).toEqual([2, 3]);
      expect(page.hasMore).toBe(true);
      const last = await store.keyPackages(device, 3, 2);
      expect(last.packages.map((p) => p.seq)).toEqual([4, 5]);
      expect(last.hasMore).toBe(false);
      expect(last.packages[1]!.blob).toBe(big);
    });

    it('purges packages older than a cut-off, and only those', async () => {
      const device = randomUUID();
      await store.storeKeyPackages(batch({ packages: [{ recipientDeviceId: device, blob: blob() }] }));
      const cutOff = new Date(Date.now() + 1_000);
      expect(await store.purgeKeyPackages(new Date(Date.now() - 60_000))).toBeGreaterThanOrEqual(0);
      expect((await store.keyPackages(device, 0, 10)).packages).toHaveLength(1);
      expect(await store.purgeKeyPackages(cutOff)).toBeGreaterThanOrEqual(1);
      expect((await store.keyPackages(device, 0, 10)).packages).toEqual([]);
    });
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
}
