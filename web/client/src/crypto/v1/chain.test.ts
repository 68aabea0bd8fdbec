import { createDecipheriv, createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { encryptAesGcm } from './aead';
import { advanceChain, chainState, MAX_CHAIN_INDEX, MAX_CHAIN_JUMP, prepareChainStep, SendingChain, stepChain } from './chain';
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

/** Decrypt with node:crypto under a hex message key: proves which key a CryptoKey holds without exporting it. */
async function openWith(key: CryptoKey, messageKeyHex: string): Promise<string> {
  const iv = new Uint8Array(12);
  const sealed = await encryptAesGcm(key, { iv, additionalData: new Uint8Array(0), plaintext: Buffer.from('probe') });
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(messageKeyHex, 'hex'), iv);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString();
}

describe('prepareChainStep', () => {
  it('is stepChain plus the message key imported as a non-extractable AES-256-GCM key', async () => {
    const ck = randomBytes(32);
    const { messageKeys, chainKeys } = oracle(ck, 1);
    const step = await prepareChainStep(chainState(7, ck));
    expect(step.index).toBe(7);
    expect(hex(step.messageKey)).toBe(messageKeys[0]);
    expect(Buffer.from(step.nextChainKey)).toEqual(chainKeys[1]);
    const key = await step.aesKey;
    expect(key.extractable).toBe(false);
    expect(await openWith(key, messageKeys[0]!)).toBe('probe');
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

  it('nextAesKey hands out the oracle keys as AES keys, in order, even when asked concurrently', async () => {
    const ck = randomBytes(32);
    const { messageKeys, chainKeys } = oracle(ck, 12);
    const chain = new SendingChain(chainState(0, ck));
    const first = await chain.nextAesKey();
    expect(first.index).toBe(0);
    expect(await openWith(first.key, messageKeys[0]!)).toBe('probe');
    // The step computed ahead for index 1 is not a move: the position stays at 1 with chain key 1.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(chain.index).toBe(1);
    expect(Buffer.from(chain.snapshot().chainKey)).toEqual(chainKeys[1]);
    const rest = await Promise.all(Array.from({ length: 10 }, () => chain.nextAesKey()));
    expect(rest.map((k) => k.index)).toEqual([...Array(10).keys()].map((i) => i + 1));
    for (const k of rest) expect(await openWith(k.key, messageKeys[k.index]!)).toBe('probe');
    // Bytes and AES keys come from one sequence: the next byte key is index 11's.
    expect(await chain.nextMessageKey()).toEqual({ index: 11, messageKey: new Uint8Array(Buffer.from(messageKeys[11]!, 'hex')) });
    expect(Buffer.from(chain.snapshot().chainKey)).toEqual(chainKeys[12]);
  });

  it('where a task scheduler exists the next step waits for a background-priority task, unless needed first', async () => {
    const tasks: (() => void)[] = [];
    const priorities: string[] = [];
    const g = globalThis as { scheduler?: unknown };
    g.scheduler = {
      postTask: (task: () => void, options: { priority: string }) => {
        priorities.push(options.priority);
        tasks.push(task);
        return Promise.resolve();
      },
    };
    const imports = vi.spyOn(crypto.subtle, 'importKey');
    try {
      const ck = randomBytes(32);
      const { messageKeys } = oracle(ck, 6);
      const chain = new SendingChain(chainState(0, ck));
      expect(hex((await chain.nextMessageKey()).messageKey)).toBe(messageKeys[0]);
      const afterFirst = imports.mock.calls.length; // index 0: HMAC key and AES key
      expect(priorities).toEqual(['background']);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(imports.mock.calls.length).toBe(afterFirst); // index 1 only scheduled
      tasks.shift()!();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(imports.mock.calls.length).toBe(afterFirst + 2); // computed in the background task
      expect(hex((await chain.nextMessageKey()).messageKey)).toBe(messageKeys[1]);
      expect(imports.mock.calls.length).toBe(afterFirst + 2); // and used, not computed again
      // The next one is asked for before its task ran: computed on demand, the late task changes nothing.
      expect(hex((await chain.nextMessageKey()).messageKey)).toBe(messageKeys[2]);
      tasks.forEach((task) => task());
      expect(chain.index).toBe(3);
      // A burst (callers already waiting): the step after each is started at once, not scheduled.
      const scheduledBefore = priorities.length;
      const burst = await Promise.all([chain.nextMessageKey(), chain.nextMessageKey(), chain.nextMessageKey()]);
      expect(burst.map((k) => k.index)).toEqual([3, 4, 5]);
      expect(priorities.length - scheduledBefore).toBe(1); // only after the last one, when nobody waits
    } finally {
      delete g.scheduler;
      imports.mockRestore();
    }
  });

  it('a restored chain resumes at its stored position, not at what an earlier instance computed ahead', async () => {
    const ck = randomBytes(32);
    const { messageKeys } = oracle(ck, 3);
    const chain = new SendingChain(chainState(0, ck));
    await chain.nextAesKey();
    const stored = chain.snapshot();
    const resumed = new SendingChain(stored);
    const next = await resumed.nextAesKey();
    expect(next.index).toBe(1);
    expect(await openWith(next.key, messageKeys[1]!)).toBe('probe');
  });

  it('stops at MAX_CHAIN_INDEX instead of wrapping', async () => {
    const chain = new SendingChain(chainState(MAX_CHAIN_INDEX, randomBytes(32)));
    await expect(chain.nextMessageKey()).rejects.toBeInstanceOf(MessageKeyUnavailableError);
    await expect(chain.nextAesKey()).rejects.toBeInstanceOf(MessageKeyUnavailableError);
    const last = new SendingChain(chainState(MAX_CHAIN_INDEX - 1, randomBytes(32)));
    expect((await last.nextAesKey()).index).toBe(MAX_CHAIN_INDEX - 1);
    await expect(last.nextAesKey()).rejects.toBeInstanceOf(MessageKeyUnavailableError);
    expect(() => chainState(MAX_CHAIN_INDEX + 1, randomBytes(32))).toThrow(MessageKeyUnavailableError);
  });
});
