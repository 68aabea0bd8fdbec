/**
 * GitHub issue 4 (b): decrypt and index 10,000 history messages. Runs in Chromium (and in Node for comparison).
 *
 * Setup (not timed): three senders in one conversation, one epoch each, write MESSAGES messages of 50 to 400
 * bytes of English-like text through our v1 code, in a random order of senders. The envelopes go through JSON
 * (as a history response would arrive). The reader's SenderKeyRing holds the three shares already (as after
 * loading the key store: signing keys imported, chains at index 0).
 *
 * Timed: `decryptHistory` of all envelopes (every message authenticated, every chain walked, every ciphertext
 * opened) and indexing every result into a fresh MessageSearchIndex (the upsert the SDK's MessageSearch makes). Each run uses a fresh ring
 * (replay protection would refuse a second pass) built outside the timing.
 *
 * Variants: decryptHistory's concurrency; how messages are authenticated: through their links with one signature
 * check per run (the default), or every signature checked (the way before links, the baseline of the same run);
 * and where signatures are checked: on the calling thread, or in a SignatureVerifierPool of N workers (when the
 * runtime gives us workers: the browser entry does, with workers started and warmed up before timing, as an app
 * would start them once).
 */
import {
  decryptHistory,
  generateEcdsaKeyPair,
  OutboundSenderKey,
  SenderKeyRing,
  verifyEcdsaP256,
  type EnvelopeV1,
  type HistoryMessage,
  type SenderKeyShare,
  type SignatureVerifier,
} from '../../web/client/src/crypto/v1/index';
import { MessageSearchIndex } from '../../web/client/src/search/index';
import { median } from './message-cases';

export interface HistoryBenchOptions {
  messages: number;
  senders: number;
  runs: number;
  /**
   * Variants to compare, each [concurrency, verifier workers, signatures]: workers 0 checks signatures with local
   * Web Crypto, N > 0 in a pool of N workers, -1 not at all (a measurement only: what everything but the
   * signatures costs); signatures 'linked' (decryptHistory's default) or 'each'.
   */
  variants: [number, number, Signatures][];
}

/** Makes a pool of `workers` verifier workers (the browser entry passes one; Node runs without). */
export type VerifierPoolFactory = (workers: number) => Promise<SignatureVerifier>;

type Signatures = 'linked' | 'each';

export interface HistoryVariant {
  concurrency: number;
  verifierWorkers: number;
  signatures: Signatures;
}

export interface HistoryRun extends HistoryVariant {
  totalMs: number;
  decryptMs: number;
  indexMs: number;
}

export interface HistoryBenchResult {
  messages: number;
  senders: number;
  plaintextBytes: { min: number; max: number; mean: number };
  generateMs: number;
  runs: HistoryRun[];
  /** Per variant: medians over the runs. */
  medians: HistoryRun[];
  /** The same number of ECDSA P-256 verifies alone, sequentially: the floor set by the signatures. */
  verifyAloneMs: number;
  searchHits: number;
}

const WORDS = (
  'the a to and of in is it you that for on we this with be are have not can will just at so but from they what ' +
  'all was do if about me my your our there when up out one time get like know more now see think how go new ' +
  'meeting tomorrow today review release deploy budget design report draft please thanks sounds good call lunch ' +
  'monday friday week plan update ticket bug fix test build merge branch customer feedback demo slides notes ' +
  'coffee later home train late sorry agreed photo link document schedule project launch idea question answer'
).split(' ');

/** A deterministic pseudo-random source, so every run reads the same history. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function sentence(random: () => number): string {
  const length = 50 + Math.floor(random() * 351);
  let text = '';
  while (text.length < length) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    text += text ? (random() < 0.08 ? '. ' : ' ') + word : word[0]!.toUpperCase() + word.slice(1);
  }
  return text.slice(0, length);
}

interface History {
  conversationId: string;
  shares: SenderKeyShare[];
  messages: HistoryMessage[];
  plaintextBytes: number[];
}

async function writeHistory(options: HistoryBenchOptions): Promise<History> {
  const random = lcg(4);
  const conversationId = crypto.randomUUID();
  const senders = await Promise.all(
    Array.from({ length: options.senders }, async () => {
      const ids = { userId: crypto.randomUUID(), deviceId: crypto.randomUUID() };
      const key = await OutboundSenderKey.create({ conversationId, epoch: 0, senderDeviceId: ids.deviceId, senderUserId: ids.userId });
      return { ids, key, share: key.share() };
    }),
  );
  const messages: HistoryMessage[] = [];
  const plaintextBytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < options.messages; i++) {
    const sender = senders[Math.floor(random() * senders.length)]!;
    const text = sentence(random);
    plaintextBytes.push(encoder.encode(text).length);
    const envelope: Required<EnvelopeV1> = await sender.key.encrypt(crypto.randomUUID(), { type: 'text', text });
    messages.push({
      envelope: JSON.parse(JSON.stringify(envelope)),
      routed: { conversationId, messageId: envelope.messageId, senderUserId: sender.ids.userId, senderDeviceId: sender.ids.deviceId },
    });
  }
  return { conversationId, shares: senders.map((s) => s.share), messages, plaintextBytes };
}

/** Measurement only: answers "valid" without checking, to show what the rest of the work costs. Never in the product. */
const UNCHECKED: SignatureVerifier = { verify: async () => true };

async function ringOf(shares: readonly SenderKeyShare[]): Promise<SenderKeyRing> {
  const ring = new SenderKeyRing();
  for (const share of shares) await ring.add(share);
  return ring;
}

async function decryptAndIndex(history: History, variant: HistoryVariant, verifier?: SignatureVerifier): Promise<HistoryRun & { index: MessageSearchIndex }> {
  const ring = await ringOf(history.shares);
  const t0 = performance.now();
  const results = await decryptHistory(ring, history.messages, { concurrency: variant.concurrency, verifier, signatures: variant.signatures });
  const t1 = performance.now();
  const index = new MessageSearchIndex();
  results.forEach((result, order) => {
    if (!result.ok) throw new Error(`message ${order} did not decrypt: ${result.error.message}`);
    const { header, senderUserId, payload } = result.message;
    if (payload.type !== 'text') throw new Error(`message ${order} is not a text`);
    index.upsert({ messageId: header.messageId, conversationId: header.conversationId, text: payload.text, senderUserId, order });
  });
  const t2 = performance.now();
  return { ...variant, totalMs: round1(t2 - t0), decryptMs: round1(t1 - t0), indexMs: round1(t2 - t1), index };
}

async function verifyAlone(count: number): Promise<number> {
  const pair = await generateEcdsaKeyPair();
  const data = new Uint8Array(86 + 12 + 256 + 16);
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, data));
  const t0 = performance.now();
  for (let i = 0; i < count; i++) if (!(await verifyEcdsaP256(pair.publicKey, data, signature))) throw new Error('verify failed');
  return round1(performance.now() - t0);
}

export async function runHistoryBench(options: HistoryBenchOptions, makePool?: VerifierPoolFactory): Promise<HistoryBenchResult> {
  const g0 = performance.now();
  const history = await writeHistory(options);
  const generateMs = round1(performance.now() - g0);
  const variants = options.variants
    .map(([concurrency, verifierWorkers, signatures]) => ({ concurrency, verifierWorkers, signatures }))
    .filter((v) => v.verifierWorkers <= 0 || makePool !== undefined);
  const pools = new Map<number, SignatureVerifier>([[-1, UNCHECKED]]);
  for (const v of variants) if (v.verifierWorkers > 0 && !pools.has(v.verifierWorkers)) pools.set(v.verifierWorkers, await makePool!(v.verifierWorkers));
  for (const v of variants) await decryptAndIndex(history, v, pools.get(v.verifierWorkers)); // warm-up
  const runs: HistoryRun[] = [];
  let searchHits = 0;
  for (let run = 0; run < options.runs; run++) {
    for (const v of variants) {
      const { index, ...timing } = await decryptAndIndex(history, v, pools.get(v.verifierWorkers));
      if (index.size !== options.messages) throw new Error(`indexed ${index.size} of ${options.messages}`);
      searchHits = index.search('meeting tomorrow', { conversationId: history.conversationId, limit: 1000 }).length;
      runs.push(timing);
    }
  }
  const medians = variants.map((v) => {
    const mine = runs.filter((r) => r.concurrency === v.concurrency && r.verifierWorkers === v.verifierWorkers && r.signatures === v.signatures);
    return {
      ...v,
      totalMs: round1(median(mine.map((r) => r.totalMs))),
      decryptMs: round1(median(mine.map((r) => r.decryptMs))),
      indexMs: round1(median(mine.map((r) => r.indexMs))),
    };
  });
  const bytes = history.plaintextBytes;
  return {
    messages: options.messages,
    senders: options.senders,
    plaintextBytes: { min: Math.min(...bytes), max: Math.max(...bytes), mean: Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length) },
    generateMs,
    runs,
    medians,
    verifyAloneMs: await verifyAlone(options.messages),
    searchHits,
  };
}

const round1 = (x: number) => Number(x.toFixed(1));

function verifierLabel(workers: number, signatures: Signatures): string {
  if (workers < 0) return 'not checked (measurement only)';
  const how = signatures === 'linked' ? 'one per linked run' : 'every message';
  if (workers === 0) return `${how}, local Web Crypto`;
  return `${how}, pool of ${workers} worker${workers > 1 ? 's' : ''}`;
}

/** The medians as a markdown table. */
export function historyTable(result: HistoryBenchResult): string {
  const runs = result.runs.length / Math.max(1, result.medians.length);
  return [
    `| ${result.messages} history messages, ${result.senders} senders | concurrency | signatures checked by | decrypt ms | index ms | decrypt + index ms (median of ${runs}) |`,
    '| --- | ---: | --- | ---: | ---: | ---: |',
    ...result.medians.map(
      (m) => `| decrypt + index | ${m.concurrency} | ${verifierLabel(m.verifierWorkers, m.signatures)} | ${m.decryptMs} | ${m.indexMs} | **${m.totalMs}** |`,
    ),
    `| ${result.messages} ECDSA verifies alone, one after another | - | local Web Crypto | ${result.verifyAloneMs} | - | - |`,
  ].join('\n');
}
