import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { advanceChain, chainState, MAX_CHAIN_INDEX, MAX_CHAIN_JUMP, SendingChain, stepChain } from './chain';
import { MessageKeyUnavailableError } from './errors';
import { randomBytes } from './random';

/** Independent model of the ratchet (node:crypto), to check ours against. */
function oracle(chainKey0: Uint8Array, count: number): { messageKeys: string[]; chainKeys: Buffer[] } {
  const chainKeys = [Buffer.from(chainKey0)];
  const messageKeys: string[] = [];
  for (let i = 0; i < count; i++) {
    messageKeys.push(createHmac('sha256', chainKeys[i]!).update(Buffer.of(1)).digest('hex'));
    chainKeys.push(createHmac('sha256', chainKeys[i]!).update(Buffer.of(2)).digest());
  }
  return { messageKeys, chainKeys };
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('stepChain', () => {
  it('messageKey = HMAC(ck, 0x01), next chain key = HMAC(ck, 0x02)', async () => {
    const ck = randomBytes(32);
    const { messageKeys, chainKeys } = oracle(ck, 1);
    const step = await stepChain(ck);
    expect(hex(step.messageKey)).toBe(messageKeys[0]);
    expect(Buffer.from(step.nextChainKey)).toEqual(chainKeys[1]);
  });

  it('fixed vector (all-zero chain key), so a change of construction cannot pass unnoticed', async () => {
    const step = await stepChain(new Uint8Array(32));
    expect(hex(step.messageKey)).toBe(createHmac('sha256', Buffer.alloc(32)).update(Buffer.of(1)).digest('hex'));
    expect(hex(step.messageKey)).not.toBe(hex(step.nextChainKey));
  });

  it('refuses chain keys that are not 32 bytes', async () => {
    await expect(stepChain(new Uint8Array(31))).rejects.toThrow(/32 bytes/);
  });
});

describe('advanceChain', () => {
  it('moving to index n gives the oracle chain key n and, if asked, the message keys passed over', async () => {
    const ck = randomBytes(32);
    const { messageKeys, chainKeys } = oracle(ck, 10);
    const start = chainState(0, ck);
    const { state, skipped } = await advanceChain(start, 10, { collectSkipped: true });
    expect(state.index).toBe(10);
    expect(Buffer.from(state.chainKey)).toEqual(chainKeys[10]);
    expect(skipped.map((s) => s.index)).toEqual([...Array(10).keys()]);
    expect(skipped.map((s) => hex(s.messageKey))).toEqual(messageKeys);
    expect(start.index).toBe(0);
    expect((await advanceChain(start, 4)).skipped).toEqual([]);
  });

  it('staying put is allowed; going back, too far or out of range is not', async () => {
    const start = chainState(5, randomBytes(32));
    expect((await advanceChain(start, 5)).state).toEqual(start);
    const reasons = async (target: number, maxJump?: number) =>
      advanceChain(start, target, maxJump === undefined ? {} : { maxJump }).then(
        () => 'accepted',
        (e: unknown) => (e instanceof MessageKeyUnavailableError ? e.reason : String(e)),
      );
    expect(await reasons(4)).toBe('already-used-or-evicted');
    expect(await reasons(5 + MAX_CHAIN_JUMP + 1)).toBe('jump-too-large');
    expect(await reasons(8, 2)).toBe('jump-too-large');
    expect(await reasons(-1)).toBe('index-out-of-range');
    expect(await reasons(1.5)).toBe('index-out-of-range');
    expect(await reasons(MAX_CHAIN_INDEX + 1)).toBe('index-out-of-range');
  });
});

describe('SendingChain', () => {
  it('hands out 0, 1, 2, ... with the oracle keys, even when asked concurrently', async () => {
    const ck = randomBytes(32);
    const { messageKeys } = oracle(ck, 20);
    const chain = new SendingChain(chainState(0, ck));
    const keys = await Promise.all(Array.from({ length: 20 }, () => chain.nextMessageKey()));
    expect(keys.map((k) => k.index)).toEqual([...Array(20).keys()]);
    expect(keys.map((k) => hex(k.messageKey))).toEqual(messageKeys);
    expect(chain.index).toBe(20);
  });

  it('a snapshot lets a new receiver start at the current index', async () => {
    const chain = SendingChain.create();
    await chain.nextMessageKey();
    const snap = chain.snapshot();
    expect(snap.index).toBe(1);
    const next = await chain.nextMessageKey();
    expect(hex((await stepChain(snap.chainKey)).messageKey)).toBe(hex(next.messageKey));
  });

  it('stops at MAX_CHAIN_INDEX instead of wrapping', async () => {
    const chain = new SendingChain(chainState(MAX_CHAIN_INDEX, randomBytes(32)));
    await expect(chain.nextMessageKey()).rejects.toBeInstanceOf(MessageKeyUnavailableError);
    expect(() => chainState(MAX_CHAIN_INDEX + 1, randomBytes(32))).toThrow(MessageKeyUnavailableError);
  });
});
