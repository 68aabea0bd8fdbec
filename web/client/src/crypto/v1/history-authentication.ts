/**
 * Authenticating a sender key's messages in bulk through their links (docs/protocol-v1.md, "Links").
 *
 * Every message names, in its signed and authenticated header, `prev`: the digest (SHA-256 of signed bytes and
 * signature) of the same sender key's message one chain index earlier. So if message m at index i + 1 is
 * authentic and `m.prev = messageDigest(p)` for a message p at index i, then p is exactly what the sender wrote,
 * signature included: to pass off anything else as p one would need a second SHA-256 preimage. Authenticity runs down the chain from a
 * message whose signature verified, and a page of history needs one ECDSA check per run of consecutive messages
 * instead of one per message. Anything not vouched for that way (the newest message of a run, the message before
 * a gap, anything whose link does not match, a message whose voucher turned out forged) gets its own signature
 * check, so the answer is the same as checking every signature; only the cost differs.
 *
 * Pure bookkeeping over digests and a `verify` callback; history-decryption.ts supplies both.
 */
import { bytesEqual } from './bytes';

/** One message of one sender key, as this module needs it. */
export interface LinkedMessage {
  readonly chainIndex: number;
  /** The header's `prev`. */
  readonly prev: Uint8Array;
  /** This message's `messageDigest` (signed bytes and signature). */
  readonly digest: Uint8Array;
}

/** Signature checks started at once, at most (the rest wait for a free lane). */
export const LINK_VERIFY_CONCURRENCY = 64;

/**
 * Whether each of `messages` (all of one sender key, any order, duplicates allowed) is authentic: vouched for by
 * an authentic successor's link, or its own signature verifies (`verify(i)` checks message i's signature; it is
 * called only for messages nothing vouches for). Results are in input order. `verify` may reject only for a
 * failure of the verifier itself, which rejects this call.
 */
export async function authenticateLinked(
  messages: readonly LinkedMessage[],
  verify: (position: number) => Promise<boolean>,
  concurrency: number = LINK_VERIFY_CONCURRENCY,
): Promise<boolean[]> {
  const byIndex = new Map<number, number[]>();
  messages.forEach((m, i) => {
    const at = byIndex.get(m.chainIndex);
    if (at) at.push(i);
    else byIndex.set(m.chainIndex, [i]);
  });
  // Who could vouch for whom: the messages one index up whose `prev` is this message's digest.
  const vouchers = messages.map((m) => (byIndex.get(m.chainIndex + 1) ?? []).filter((q) => bytesEqual(messages[q]!.prev, m.digest)));

  // Messages nothing can vouch for are checked at once, concurrently (the newest of every run, at least).
  const checked = new Map<number, Promise<boolean>>();
  const mustCheck = messages.map((_, i) => i).filter((i) => vouchers[i]!.length === 0);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < mustCheck.length) {
      const i = mustCheck[next++]!;
      const result = verify(i);
      checked.set(i, result);
      await result;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, mustCheck.length) }, lane));

  // From the newest index down, so every voucher is decided before the message it vouches for.
  const authentic: boolean[] = new Array<boolean>(messages.length).fill(false);
  const order = messages.map((_, i) => i).sort((a, b) => messages[b]!.chainIndex - messages[a]!.chainIndex);
  for (const i of order) {
    if (vouchers[i]!.some((q) => authentic[q])) authentic[i] = true;
    else {
      // Not vouched for after all (its would-be vouchers are forged): its own signature decides.
      let own = checked.get(i);
      if (!own) checked.set(i, (own = verify(i)));
      authentic[i] = await own;
    }
  }
  return authentic;
}
