/**
 * Decrypting a page of history (many stored messages at once) with bounded concurrency.
 *
 * Each message goes through exactly the checks of `InboundSenderKey.decrypt` (docs/protocol-v1.md, "Decryption:
 * order of checks"); what this adds is scheduling:
 *
 * - every envelope is parsed once and routed to its sender key up front (a malformed envelope or one without a
 *   sender key becomes its own failed result; the others go on);
 * - each sender key's messages are fed to it in chain-index order, in the slots its messages had in the input.
 *   A chain can only be walked forward: reading a key's messages newest first would walk to the newest index at
 *   once and could push the oldest keys out of the bounded skipped-key cache. In index order every message is the
 *   chain's next index, whose key is computed ahead while the previous message is being decrypted, so no message
 *   ever needs a walk and each signature check overlaps the AES-GCM work;
 * - step 4 (the sender's signature) is settled per sender key before any of its messages is opened, through the
 *   links between consecutive messages (history-authentication.ts): each message's digest is computed, and a
 *   message whose successor is authentic and names that digest as its `prev` is authentic too. Only messages
 *   that nothing vouches for (the newest of each run of consecutive messages, at least) have their signature
 *   checked, so a page of history costs one ECDSA check per run instead of one per message, with the same
 *   answers. `signatures: 'each'` checks every signature instead (the pre-link behaviour, kept to compare);
 * - up to `concurrency` messages are in flight at once: different sender keys' chains run concurrently (one
 *   chain is sequential by construction), and so do the signature checks left over. In a browser, Web Crypto
 *   runs ECDSA on the calling thread, so "concurrently" only becomes "in parallel" with a `verifier` that runs
 *   elsewhere (SignatureVerifierPool over Web Workers).
 *
 * Results come back in input order, one per message, never as a thrown error for one bad message.
 */
import { ECDSA_P256_SIGNATURE_BYTES } from './ecdsa';
import { headerBytesOf, messageSignedBytesWithSignature, parseEnvelopeV1, type ParsedEnvelopeV1 } from './envelope';
import { authenticateLinked } from './history-authentication';
import { messageDigestOf } from './message-digest';
import type { DecryptedMessageV1, InboundSenderKey, RoutedMessage } from './inbound-sender-key';
import type { SenderKeyRing } from './sender-key-ring';
import type { SignatureVerifier } from './signature-verifier';
import { assertIntegerInRange } from './webcrypto';

/** One stored message: its envelope as received and the routing fields the server delivered it with. */
export interface HistoryMessage {
  envelope: unknown;
  routed: RoutedMessage;
}

/** The outcome of one message: its plaintext, or why it was refused (usually a MessageRejectedError). */
export type HistoryResult = { ok: true; message: DecryptedMessageV1 } | { ok: false; error: Error };

export interface DecryptHistoryOptions {
  /** Messages in flight at once (signature checks, AES-GCM, chain steps of different keys). Default 256. */
  concurrency?: number;
  /** Where this page's signatures are checked, e.g. a SignatureVerifierPool; default each key's own verifier. */
  verifier?: SignatureVerifier;
  /**
   * 'linked' (default): one signature check per run of linked messages, the rest authenticated through their
   * links; 'each': every message's signature checked (same answers, one ECDSA check per message).
   */
  signatures?: 'linked' | 'each';
}

/** Enough to keep a SignatureVerifierPool's workers fed; in-flight messages cost only their promises. */
export const DEFAULT_HISTORY_CONCURRENCY = 256;

interface Routed {
  /** Position in the input (where the result goes). */
  at: number;
  key: InboundSenderKey;
  parsed: ParsedEnvelopeV1;
  routed: RoutedMessage;
}

/** Decrypt many stored messages with the keys of `ring`; see the module comment. */
export async function decryptHistory(ring: SenderKeyRing, messages: readonly HistoryMessage[], options: DecryptHistoryOptions = {}): Promise<HistoryResult[]> {
  const concurrency = options.concurrency ?? DEFAULT_HISTORY_CONCURRENCY;
  assertIntegerInRange(concurrency, 1, 10_000, 'concurrency');
  const results: HistoryResult[] = new Array<HistoryResult>(messages.length);
  const queue = inChainOrder(ring, messages, results);
  const authentic = options.signatures === 'each' ? undefined : await authenticateThroughLinks(queue, options.verifier);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < queue.length) {
      const slot = next++;
      const item = queue[slot]!;
      try {
        const decryptOptions = authentic ? { authentic: authentic[slot]! } : { verifier: options.verifier };
        results[item.at] = { ok: true, message: await item.key.decryptParsed(item.parsed, item.routed, decryptOptions) };
      } catch (err) {
        results[item.at] = { ok: false, error: asError(err) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, lane));
  return results;
}

/**
 * Step 4 for every queued message through the links (history-authentication.ts), per sender key: whether each
 * message (by its slot in `queue`) is authentic. Digests are computed for all messages at once.
 */
async function authenticateThroughLinks(queue: readonly Routed[], verifier: SignatureVerifier | undefined): Promise<boolean[]> {
  const withSignature = queue.map(({ parsed }) => messageSignedBytesWithSignature(headerBytesOf(parsed), parsed.iv, parsed.ciphertext, parsed.signature));
  const digests = await Promise.all(withSignature.map(messageDigestOf));
  const signed = withSignature.map((bytes) => bytes.subarray(0, bytes.length - ECDSA_P256_SIGNATURE_BYTES));
  const slotsByKey = new Map<InboundSenderKey, number[]>();
  queue.forEach((item, slot) => {
    const slots = slotsByKey.get(item.key);
    if (slots) slots.push(slot);
    else slotsByKey.set(item.key, [slot]);
  });
  const authentic = new Array<boolean>(queue.length).fill(false);
  await Promise.all(
    [...slotsByKey].map(async ([key, slots]) => {
      const linked = slots.map((slot) => ({ chainIndex: queue[slot]!.parsed.header.chainIndex, prev: queue[slot]!.parsed.header.prev, digest: digests[slot]! }));
      const answers = await authenticateLinked(linked, (i) => key.checkSignature(queue[slots[i]!]!.parsed, signed[slots[i]!], verifier));
      answers.forEach((ok, i) => (authentic[slots[i]!] = ok));
    }),
  );
  return authentic;
}

/**
 * Parse and route every message (failures go straight into `results`), then reorder each sender key's messages
 * by chain index within the positions that key's messages occupy, so keys stay interleaved as in the input.
 */
function inChainOrder(ring: SenderKeyRing, messages: readonly HistoryMessage[], results: HistoryResult[]): Routed[] {
  const queue: Routed[] = [];
  const byKey = new Map<InboundSenderKey, number[]>();
  messages.forEach(({ envelope, routed }, at) => {
    try {
      const parsed = parseEnvelopeV1(envelope, { conversationId: routed.conversationId, messageId: routed.messageId });
      const key = ring.keyFor(parsed);
      let slots = byKey.get(key);
      if (!slots) byKey.set(key, (slots = []));
      slots.push(queue.length);
      queue.push({ at, key, parsed, routed });
    } catch (err) {
      results[at] = { ok: false, error: asError(err) };
    }
  });
  for (const slots of byKey.values()) {
    const items = slots.map((slot) => queue[slot]!);
    items.sort((a, b) => a.parsed.header.chainIndex - b.parsed.header.chainIndex || a.at - b.at);
    slots.forEach((slot, i) => (queue[slot] = items[i]!));
  }
  return queue;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
