import { describe, expect, it } from 'vitest';
import { authenticateLinked, type LinkedMessage } from './history-authentication';

/** A run of messages at indices from..to whose links all match (digest i = [i], prev = digest of i - 1). */
function run(from: number, to: number): LinkedMessage[] {
  return Array.from({ length: to - from + 1 }, (_, k) => ({ chainIndex: from + k, prev: Uint8Array.of(from + k - 1), digest: Uint8Array.of(from + k) }));
}

function verifier(valid: (position: number) => boolean) {
  const asked: number[] = [];
  return { asked, verify: async (position: number) => (asked.push(position), valid(position)) };
}

describe('authenticateLinked', () => {
  it('checks only the newest message of a run; the rest are vouched for down the links, in any input order', async () => {
    const messages = run(0, 9).reverse();
    const v = verifier(() => true);
    expect(await authenticateLinked(messages, v.verify)).toEqual(new Array(10).fill(true));
    expect(v.asked).toEqual([0]); // position 0 holds index 9
  });

  it('a newest message whose signature fails vouches for nothing: every message is then checked on its own', async () => {
    const messages = run(0, 3);
    const v = verifier((p) => p !== 3);
    expect(await authenticateLinked(messages, v.verify)).toEqual([true, true, true, false]);
    expect(v.asked.sort()).toEqual([2, 3]);
  });

  it('a link that does not match breaks the run there', async () => {
    const messages = run(0, 5);
    messages[3] = { ...messages[3]!, prev: Uint8Array.of(99) };
    const v = verifier(() => true);
    expect(await authenticateLinked(messages, v.verify)).toEqual(new Array(6).fill(true));
    expect(v.asked.sort()).toEqual([2, 5]);
  });

  it('of two messages at one index only the one the link names is vouched for; the other is checked', async () => {
    const messages = [...run(0, 2), { chainIndex: 1, prev: Uint8Array.of(0), digest: Uint8Array.of(77) }];
    const v = verifier((p) => p !== 3);
    expect(await authenticateLinked(messages, v.verify)).toEqual([true, true, true, false]);
    expect(v.asked.sort()).toEqual([2, 3]);
  });

  it('keeps at most `concurrency` checks in flight, and a failing verifier fails the call', async () => {
    const messages = Array.from({ length: 20 }, (_, i) => ({ chainIndex: i * 2, prev: Uint8Array.of(0), digest: Uint8Array.of(1) }));
    let inFlight = 0;
    let most = 0;
    const verify = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return true;
    };
    expect(await authenticateLinked(messages, verify, 4)).toEqual(new Array(20).fill(true));
    expect(most).toBe(4);
    await expect(authenticateLinked(run(0, 1), () => Promise.reject(new Error('verifier gone')))).rejects.toThrow('verifier gone');
  });

  it('an empty list is an empty answer', async () => {
    expect(await authenticateLinked([], () => Promise.resolve(true))).toEqual([]);
  });
});
