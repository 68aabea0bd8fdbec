/**
 * GitHub issue 4 (a): one 1 KiB message encrypted and decrypted through protocol v1 beside a bare AES-GCM call,
 * in the same run. Runs unchanged in Node (bench/crypto.bench.ts) and in Chromium (bench/crypto-browser.bench.ts):
 * only `globalThis.crypto`, `performance` and timers.
 *
 * Every case has its keys set up before timing (sender key created, receiver holding its share, AES key imported
 * for the bare case). Two ways of timing each case:
 *
 * - back-to-back: one message after another with no pause (await each), ops per second over the round. Work a
 *   case does in the background (v1's one-step lookahead) competes with the next message here, so this is the
 *   throughput figure and the one the issue's "within 2x" is judged on;
 * - spaced: a pause of SPACING_MS before each message (as in a conversation, where messages are seconds apart),
 *   and only the message itself is timed: the latency a user sees once the lookahead had time to finish. The
 *   pause keeps the event loop turning rather than sleeping on a timer, so thread wake-ups stay out of the figure.
 *
 * Cases (Web Crypto calls per message in brackets):
 * - bare: `subtle.encrypt` + `subtle.decrypt` of 1024 bytes with a cached key and a fresh IV [2];
 * - v1: `OutboundSenderKey.encrypt` + `InboundSenderKey.decrypt` (payload encoding and padding to the 1024-byte
 *   bucket, envelope JSON, routing and replay bookkeeping) [13: per side one chain step = HMAC key import + 2
 *   HMACs, the AES key import, AES-GCM, ECDSA; the sender's link digest (SHA-256); the chain steps and imports run
 *   one message ahead];
 * - v1 as of an earlier revision (bench/browser/baseline-source.ts): the same round trip through that revision's
 *   code, for a before/after in one run [12 or 13];
 * - v1 without ECDSA: the v1 path from the same exported functions minus sign and verify, a measurement only (the
 *   protocol has no unsigned mode) [11];
 * - ECDSA P-256 sign + verify alone, over as many bytes as a message's signed data [2];
 * - Ed25519 sign + verify alone, the same bytes, where the runtime has it: would another signature algorithm
 *   change the picture? [2];
 * - one near-empty Web Crypto call (SHA-256 of 32 bytes): the fixed cost of any call [1].
 */
import {
  chainState,
  decodePaddedPayload,
  decryptAesGcm,
  encodePaddedPayload,
  encryptAesGcm,
  generateChainKey,
  generateEcdsaKeyPair,
  generateIv,
  importAesGcmKey,
  InboundSenderKey,
  messageDigest,
  messageHeaderBytes,
  messageSignedBytes,
  OutboundSenderKey,
  parseEnvelopeV1,
  ReceivingChain,
  SendingChain,
  signEcdsaP256,
  toEnvelopeV1,
  verifyEcdsaP256,
  type MessagePayload,
} from '../../web/client/src/crypto/v1/index';

export const MESSAGE_BYTES = 1024;
/** `{"t":"text","text":""}` is 22 bytes and padding needs one marker byte: this text pads to exactly 1024 bytes. */
const PAYLOAD: MessagePayload = { type: 'text', text: 'x'.repeat(MESSAGE_BYTES - 22 - 1) };
/** Pause before each message in the spaced mode. */
export const SPACING_MS = 2;

type Op = () => Promise<void>;

export interface MessageCase {
  name: string;
  webCryptoCalls: number;
  op: Op;
}

export interface MessageCaseRow {
  name: string;
  webCryptoCalls: number;
  /** Back-to-back: median over the rounds. */
  opsPerSecond: number;
  microsecondsPerOp: number;
  costVsBare: number;
  /** Spaced: median over the rounds of each round's median time per message. */
  spacedMicrosecondsPerOp: number;
  spacedCostVsBare: number;
  roundsOpsPerSecond: number[];
  roundsSpacedMicroseconds: number[];
}

export interface MessageBenchOptions {
  /** Seconds per case and round, back-to-back mode. */
  seconds: number;
  /** Messages per case and round, spaced mode. */
  spacedMessages: number;
  rounds: number;
  /** Label of the earlier revision whose v1 the page should load from /baseline.js (browser only). */
  baseline?: string;
}

/** The message-bench settings both benchmarks (Node and Chromium) read from the environment. */
export function messageOptionsFromEnv(env: Record<string, string | undefined>): MessageBenchOptions {
  return {
    seconds: Number(env.BENCH_SECONDS ?? 1),
    rounds: Number(env.BENCH_ROUNDS ?? 5),
    spacedMessages: Number(env.BENCH_SPACED ?? 200),
  };
}

const uuid = () => globalThis.crypto.randomUUID();

async function bareAesGcm(): Promise<Op> {
  const key = await importAesGcmKey(crypto.getRandomValues(new Uint8Array(32)));
  const plaintext = crypto.getRandomValues(new Uint8Array(MESSAGE_BYTES));
  return async () => {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plaintext);
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, ct);
    if (pt.byteLength !== MESSAGE_BYTES) throw new Error('bare round trip failed');
  };
}

/** The parts of the v1 module the full round trip uses (this tree's, or an earlier revision's). */
export interface V1Module {
  OutboundSenderKey: typeof OutboundSenderKey;
  InboundSenderKey: typeof InboundSenderKey;
}

async function v1Full(v1: V1Module = { OutboundSenderKey, InboundSenderKey }): Promise<Op> {
  const conversationId = uuid();
  const sender = { userId: uuid(), deviceId: uuid() };
  const out = await v1.OutboundSenderKey.create({ conversationId, epoch: 0, senderDeviceId: sender.deviceId, senderUserId: sender.userId });
  const inbound = await v1.InboundSenderKey.fromShare(out.share());
  return async () => {
    const messageId = uuid();
    const env = await out.encrypt(messageId, PAYLOAD);
    const got = await inbound.decrypt(env, { conversationId, messageId, senderUserId: sender.userId, senderDeviceId: sender.deviceId });
    if (got.payload.type !== 'text') throw new Error('v1 round trip failed');
  };
}

/** The v1 path (with lookahead) from the same exported functions, without ECDSA: a measurement only. */
async function v1WithoutSignature(): Promise<Op> {
  const conversationId = uuid();
  const senderDeviceId = uuid();
  const start = chainState(0, generateChainKey());
  const sending = new SendingChain(start);
  const receiving = new ReceivingChain(start);
  const noSignature = new Uint8Array(64);
  let noPrevious = new Uint8Array(32);
  return async () => {
    const messageId = uuid();
    const plaintext = encodePaddedPayload(PAYLOAD);
    const { index, key } = await sending.nextAesKey();
    const header = { conversationId, epoch: 0, senderDeviceId, messageId, chainIndex: index, prev: noPrevious };
    const headerBytes = messageHeaderBytes(header);
    const iv = generateIv();
    const ciphertext = await encryptAesGcm(key, { iv, additionalData: headerBytes, plaintext });
    noPrevious = await messageDigest(messageSignedBytes(headerBytes, iv, ciphertext), noSignature);
    const env = toEnvelopeV1({ header, iv, ciphertext, signature: noSignature });

    const parsed = parseEnvelopeV1(env);
    const rxHeader = messageHeaderBytes(parsed.header);
    const pending = await (receiving.messageKeyWithoutWalk(parsed.header.chainIndex) ?? receiving.messageKeyFor(parsed.header.chainIndex));
    const padded = await decryptAesGcm(await pending.aesKey(), { iv: parsed.iv, additionalData: rxHeader, ciphertext: parsed.ciphertext });
    pending.commit();
    if (decodePaddedPayload(padded).type !== 'text') throw new Error('unsigned round trip failed');
  };
}

async function ecdsaSignVerify(): Promise<Op> {
  const pair = await generateEcdsaKeyPair();
  const header = messageHeaderBytes({ conversationId: uuid(), epoch: 0, senderDeviceId: uuid(), messageId: uuid(), chainIndex: 0, prev: new Uint8Array(32) });
  const data = messageSignedBytes(header, new Uint8Array(12), new Uint8Array(MESSAGE_BYTES + 16));
  return async () => {
    const sig = await signEcdsaP256(pair.privateKey, data);
    if (!(await verifyEcdsaP256(pair.publicKey, data, sig))) throw new Error('signature did not verify');
  };
}

/** Ed25519 sign + verify of a message's signed bytes, or undefined where Web Crypto lacks Ed25519. */
async function ed25519SignVerify(): Promise<Op | undefined> {
  let pair: CryptoKeyPair;
  try {
    pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  } catch {
    return undefined;
  }
  const header = messageHeaderBytes({ conversationId: uuid(), epoch: 0, senderDeviceId: uuid(), messageId: uuid(), chainIndex: 0, prev: new Uint8Array(32) });
  const data = messageSignedBytes(header, new Uint8Array(12), new Uint8Array(MESSAGE_BYTES + 16));
  return async () => {
    const sig = await crypto.subtle.sign('Ed25519', pair.privateKey, data);
    if (!(await crypto.subtle.verify('Ed25519', pair.publicKey, sig, data))) throw new Error('signature did not verify');
  };
}

async function oneWebCryptoCall(): Promise<Op> {
  const data = new Uint8Array(32);
  return async () => {
    await crypto.subtle.digest('SHA-256', data);
  };
}

/** The row of an earlier revision's v1 (same round trip, that revision's code). */
export const baselineCaseName = (label: string) => `v1 as of ${label} (same round trip, that revision's code)`;

export const CASE_NAMES = {
  bare: 'bare AES-256-GCM encrypt+decrypt (1 KiB, cached key)',
  v1: 'v1 encrypt+decrypt (1 KiB, ECDSA sign+verify, lookahead)',
  v1NoEcdsa: 'v1 without ECDSA (measurement only)',
  ecdsa: 'ECDSA P-256 sign+verify alone (same signed bytes)',
  ed25519: 'Ed25519 sign+verify alone (same signed bytes; comparison only)',
  oneCall: 'one near-empty Web Crypto call (SHA-256 of 32 bytes)',
} as const;

/** The cases, with a row for an earlier revision's v1 when `baseline` is given. */
export async function messageCases(baseline?: { label: string; v1: V1Module }): Promise<MessageCase[]> {
  const ed25519 = await ed25519SignVerify();
  return [
    { name: CASE_NAMES.bare, webCryptoCalls: 2, op: await bareAesGcm() },
    { name: CASE_NAMES.v1, webCryptoCalls: 13, op: await v1Full() },
    ...(baseline ? [{ name: baselineCaseName(baseline.label), webCryptoCalls: 12, op: await v1Full(baseline.v1) }] : []),
    { name: CASE_NAMES.v1NoEcdsa, webCryptoCalls: 11, op: await v1WithoutSignature() },
    { name: CASE_NAMES.ecdsa, webCryptoCalls: 2, op: await ecdsaSignVerify() },
    ...(ed25519 ? [{ name: CASE_NAMES.ed25519, webCryptoCalls: 2, op: ed25519 }] : []),
    { name: CASE_NAMES.oneCall, webCryptoCalls: 1, op: await oneWebCryptoCall() },
  ];
}

async function backToBack(op: Op, seconds: number): Promise<number> {
  const started = performance.now();
  const until = started + seconds * 1000;
  let ops = 0;
  while (performance.now() < until) {
    await op();
    ops++;
  }
  return ops / ((performance.now() - started) / 1000);
}

/** One trip through the event loop (a macrotask), so background work such as the lookahead can run. */
const macrotask: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise<void>((resolve) => setImmediate(resolve))
    : (() => {
        const channel = new MessageChannel();
        const waiting: (() => void)[] = [];
        channel.port1.onmessage = () => waiting.shift()?.();
        return () =>
          new Promise<void>((resolve) => {
            waiting.push(resolve);
            channel.port2.postMessage(0);
          });
      })();

/**
 * Let `ms` pass while the event loop keeps turning: background work completes, and the thread stays awake (a
 * timer would let it sleep, and the wake-up, not the crypto, would dominate the next measurement).
 */
async function pause(ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) await macrotask();
}

/** Median microseconds per message, each message timed alone after a pause (a median: one GC pause is no figure). */
async function spaced(op: Op, messages: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < messages; i++) {
    await pause(SPACING_MS);
    const t0 = performance.now();
    await op();
    times.push((performance.now() - t0) * 1000);
  }
  return median(times);
}

export const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Warm up, then run the cases interleaved round by round (drift from other processes hits all of them alike) in
 * both modes; rows in case order with each case's median and its cost relative to the bare call.
 */
export async function runMessageBench(options: MessageBenchOptions, baseline?: { label: string; v1: V1Module }): Promise<MessageCaseRow[]> {
  const cases = await messageCases(baseline);
  for (const c of cases) for (let i = 0; i < 200; i++) await c.op();
  const rates = cases.map(() => [] as number[]);
  const latencies = cases.map(() => [] as number[]);
  for (let round = 0; round < options.rounds; round++) {
    for (const [i, c] of cases.entries()) rates[i]!.push(await backToBack(c.op, options.seconds));
    for (const [i, c] of cases.entries()) latencies[i]!.push(await spaced(c.op, options.spacedMessages));
  }
  const bareRate = median(rates[0]!);
  const bareLatency = median(latencies[0]!);
  return cases.map((c, i) => {
    const rate = median(rates[i]!);
    const latency = median(latencies[i]!);
    return {
      name: c.name,
      webCryptoCalls: c.webCryptoCalls,
      opsPerSecond: Math.round(rate),
      microsecondsPerOp: round1(1e6 / rate),
      costVsBare: round2(bareRate / rate),
      spacedMicrosecondsPerOp: round1(latency),
      spacedCostVsBare: round2(latency / bareLatency),
      roundsOpsPerSecond: rates[i]!.map((r) => Math.round(r)),
      roundsSpacedMicroseconds: latencies[i]!.map(round1),
    };
  });
}

const round1 = (x: number) => Number(x.toFixed(1));
const round2 = (x: number) => Number(x.toFixed(2));

/** The rows as a markdown table. */
export function messageTable(rows: readonly MessageCaseRow[]): string {
  const lines = [
    '| case | Web Crypto calls | back-to-back µs/op (median) | vs bare | spaced µs/message (median) | vs bare |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.name} | ${r.webCryptoCalls} | ${r.microsecondsPerOp} | ${r.costVsBare}x | ${r.spacedMicrosecondsPerOp} | ${r.spacedCostVsBare}x |`),
  ];
  return lines.join('\n');
}
