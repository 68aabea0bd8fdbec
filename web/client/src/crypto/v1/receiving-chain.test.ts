import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptAesGcm, encryptAesGcm } from './aead';
import { chainState, MAX_CHAIN_JUMP, SendingChain } from './chain';
import { ChainStateConflictError, MessageKeyUnavailableError } from './errors';
import { randomBytes } from './random';
import { ReceivingChain } from './receiving-chain';
import { MAX_SKIPPED_MESSAGE_KEYS } from './skipped-message-keys';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Message keys 0..count-1 of a chain, by the independent node:crypto model. */
function oracleKeys(chainKey0: Uint8Array, count: number): string[] {
  const out: string[] = [];
  let ck = Buffer.from(chainKey0);
  for (let i = 0; i < count; i++) {
    out.push(createHmac('sha256', ck).update(Buffer.of(1)).digest('hex'));
    ck = createHmac('sha256', ck).update(Buffer.of(2)).digest();
  }
  return out;
}

function setup(count: number) {
  const ck = randomBytes(32);
  return { keys: oracleKeys(ck, count), receiver: new ReceivingChain(chainState(0, ck)) };
}

async function consume(chain: ReceivingChain, index: number): Promise<string> {
  const pending = await chain.messageKeyFor(index);
  pending.commit();
  return hex(pending.messageKey);
}

async function reason(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'accepted',
    (e: unknown) => (e instanceof MessageKeyUnavailableError ? e.reason : String(e)),
  );
}

describe('ReceivingChain', () => {
  it('in-order and out-of-order delivery both give the sender keys, each once', async () => {
    const { keys, receiver } = setup(8);
    expect(await consume(receiver, 0)).toBe(keys[0]);
    expect(await consume(receiver, 5)).toBe(keys[5]);
    expect(receiver.index).toBe(6);
    expect(receiver.skippedCount).toBe(4);
    for (const i of [3, 1, 4, 2]) expect(await consume(receiver, i)).toBe(keys[i]);
    expect(receiver.skippedCount).toBe(0);
    expect(await consume(receiver, 6)).toBe(keys[6]);
  });

  it('matches what a SendingChain produced', async () => {
    const sender = SendingChain.create();
    const receiver = new ReceivingChain(sender.snapshot());
    const sent = await Promise.all(Array.from({ length: 5 }, () => sender.nextMessageKey()));
    for (const s of [...sent].reverse()) expect(await consume(receiver, s.index)).toBe(hex(s.messageKey));
  });

  it('a used key cannot be used again (replay), whether it was in order or skipped', async () => {
    const { receiver } = setup(4);
    await consume(receiver, 2);
    await consume(receiver, 0);
    expect(await reason(receiver.messageKeyFor(2))).toBe('already-used-or-evicted');
    expect(await reason(receiver.messageKeyFor(0))).toBe('already-used-or-evicted');
  });

  it('nothing changes until commit: an unauthenticated far-ahead index does not move the chain', async () => {
    const { keys, receiver } = setup(3);
    const pending = await receiver.messageKeyFor(MAX_CHAIN_JUMP);
    expect(receiver.index).toBe(0);
    expect(receiver.skippedCount).toBe(0);
    expect(pending.index).toBe(MAX_CHAIN_JUMP); // the caller's authentication failed, so it never commits
    expect(await consume(receiver, 0)).toBe(keys[0]);
  });

  it('refuses a jump beyond MAX_CHAIN_JUMP without computing it, and accepts exactly MAX_CHAIN_JUMP', async () => {
    const { receiver } = setup(0);
    expect(await reason(receiver.messageKeyFor(MAX_CHAIN_JUMP + 1))).toBe('jump-too-large');
    expect(await reason(receiver.messageKeyFor(-1))).toBe('index-out-of-range');
    await consume(receiver, MAX_CHAIN_JUMP);
    expect(receiver.index).toBe(MAX_CHAIN_JUMP + 1);
  });

  it('keeps at most MAX_SKIPPED_MESSAGE_KEYS skipped keys, dropping the oldest', async () => {
    const { keys, receiver } = setup(MAX_CHAIN_JUMP + 1);
    await consume(receiver, MAX_CHAIN_JUMP);
    expect(receiver.skippedCount).toBe(MAX_SKIPPED_MESSAGE_KEYS);
    const oldestKept = MAX_CHAIN_JUMP - MAX_SKIPPED_MESSAGE_KEYS;
    expect(await reason(receiver.messageKeyFor(oldestKept - 1))).toBe('already-used-or-evicted');
    expect(await consume(receiver, oldestKept)).toBe(keys[oldestKept]);
    expect(await consume(receiver, MAX_CHAIN_JUMP - 1)).toBe(keys[MAX_CHAIN_JUMP - 1]);
    // 1998 left; skipping three more overflows by one, which evicts the oldest left (oldestKept + 1) only.
    expect(receiver.skippedCount).toBe(MAX_SKIPPED_MESSAGE_KEYS - 2);
    await consume(receiver, MAX_CHAIN_JUMP + 4);
    expect(receiver.skippedCount).toBe(MAX_SKIPPED_MESSAGE_KEYS);
    expect(await reason(receiver.messageKeyFor(oldestKept + 1))).toBe('already-used-or-evicted');
    expect(await reason(receiver.messageKeyFor(oldestKept + 2))).toBe('accepted');
    expect(await reason(receiver.messageKeyFor(MAX_CHAIN_JUMP + 1))).toBe('accepted');
  }, 30_000);

  it('two pending keys from one chain position: the first commit wins, the second asks again and succeeds', async () => {
    const { keys, receiver } = setup(4);
    const [p3, p1] = await Promise.all([receiver.messageKeyFor(3), receiver.messageKeyFor(1)]);
    p3.commit();
    expect(() => p1.commit()).toThrow(ChainStateConflictError);
    expect(await consume(receiver, 1)).toBe(keys[1]);
  });

  it('two pending copies of one skipped key: only one commit succeeds', async () => {
    const { receiver } = setup(3);
    await consume(receiver, 2);
    const [a, b] = await Promise.all([receiver.messageKeyFor(0), receiver.messageKeyFor(0)]);
    a.commit();
    expect(() => b.commit()).toThrow(MessageKeyUnavailableError);
  });

  it('messageKeyWithoutWalk serves the next index and skipped keys, nothing that needs a walk or is used', async () => {
    const { keys, receiver } = setup(8);
    const next = await receiver.messageKeyWithoutWalk(0);
    expect(next && hex(next.messageKey)).toBe(keys[0]);
    expect(receiver.messageKeyWithoutWalk(1)).toBeUndefined(); // one ahead of the next index: a walk
    expect(receiver.index).toBe(0); // computing is not consuming
    next!.commit();
    expect(receiver.index).toBe(1);
    // After a commit the chain computes the new next index ahead; it is the oracle key.
    const ahead = await receiver.messageKeyWithoutWalk(1);
    expect(hex(ahead!.messageKey)).toBe(keys[1]);
    await consume(receiver, 4); // skips 1, 2, 3
    expect(receiver.messageKeyWithoutWalk(0)).toBeUndefined(); // used
    const skipped = await receiver.messageKeyWithoutWalk(2);
    expect(hex(skipped!.messageKey)).toBe(keys[2]);
    skipped!.commit();
    expect(receiver.messageKeyWithoutWalk(2)).toBeUndefined();
    // The stale pending key of index 1, computed before the chain moved, cannot be committed.
    expect(() => ahead!.commit()).toThrow(ChainStateConflictError);
    expect(await consume(receiver, 1)).toBe(keys[1]);
    expect(() => receiver.messageKeyWithoutWalk(-1)).toThrow(MessageKeyUnavailableError);
  });

  it('pending keys give the message key as an AES key too (imported ahead for the next index)', async () => {
    const sender = SendingChain.create();
    const receiver = new ReceivingChain(sender.snapshot());
    const plaintext = new TextEncoder().encode('hi');
    for (let i = 0; i < 4; i++) {
      const { index, key } = await sender.nextAesKey();
      const iv = new Uint8Array(12).fill(i);
      const ciphertext = await encryptAesGcm(key, { iv, additionalData: new Uint8Array(0), plaintext });
      const pending = await (receiver.messageKeyWithoutWalk(index) ?? receiver.messageKeyFor(index));
      expect(await decryptAesGcm(await pending.aesKey(), { iv, additionalData: new Uint8Array(0), ciphertext })).toEqual(plaintext);
      pending.commit();
    }
    expect(receiver.index).toBe(4);
  });

  it('exportState/restore keeps the position and the skipped keys; restore refuses keys at or beyond the chain', async () => {
    const { keys, receiver } = setup(8);
    await consume(receiver, 5);
    const state = structuredClone(receiver.exportState());
    expect(state.index).toBe(6);
    expect(state.skipped.map((k) => k.index)).toEqual([0, 1, 2, 3, 4]);
    const resumed = ReceivingChain.restore(state);
    for (const i of [4, 0]) expect(await consume(resumed, i)).toBe(keys[i]);
    expect(await reason(resumed.messageKeyFor(5))).toBe('already-used-or-evicted');
    expect(await consume(resumed, 7)).toBe(keys[7]);
    expect(() => ReceivingChain.restore({ ...state, skipped: [{ index: 6, messageKey: new Uint8Array(32) }] })).toThrow(MessageKeyUnavailableError);
    expect(() => ReceivingChain.restore({ ...state, skipped: [{ index: 1, messageKey: new Uint8Array(31) }] })).toThrow(/32 bytes/);
  });
});
