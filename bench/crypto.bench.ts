/**
 * Benchmark: the cost of protocol v1 per message beside a bare AES-256-GCM call, same run, same process.
 * A measurement, not a test: it never fails on a slow machine.
 *
 *   node_modules/.bin/tsx bench/crypto.bench.ts        # BENCH_SECONDS=1 per case and round, BENCH_ROUNDS=5
 *
 * Every case is one message of 1 KiB, encrypted and then decrypted, one at a time (await each), with every key
 * already set up (sender key created, receiver holding its share, AES key imported for the bare case):
 *
 * - bare AES-GCM: a fresh 96-bit IV, `subtle.encrypt` and `subtle.decrypt` of 1024 bytes with a cached key;
 * - v1: `OutboundSenderKey.encrypt` + `InboundSenderKey.decrypt` (payload encoding and padding to the 1024-byte
 *   bucket, one chain step per side, AES key import, AES-GCM with the header as additional data, the envelope
 *   JSON, ECDSA P-256 sign and verify, replay bookkeeping);
 * - v1 without the signature: the same steps built from the same exported functions, minus ECDSA sign and verify
 *   (a measurement only: the protocol has no unsigned mode);
 * - ECDSA P-256 sign + verify alone, over the same number of bytes as a message's signed data;
 * - one Web Crypto call that does almost nothing (SHA-256 of 32 bytes): the fixed cost every async call pays.
 *
 * Web Crypto calls per message: bare 2 (encrypt, decrypt); v1 12: per side an HMAC key import and two HMACs (the
 * chain step), an AES key import (the key changes every message), the AES-GCM call and the ECDSA call; 10
 * without ECDSA. With 1 KiB the per-call cost dominates, so the ratio mostly counts calls.
 *
 * Cases are interleaved round by round so drift (other processes, thermal) hits all of them alike; the table
 * shows each case's median over the rounds. Results go to bench/results/crypto-latest.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
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
} from '../web/client/src/crypto/v1/index';

const root = resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MESSAGE_BYTES = 1024;
/** `{"t":"text","text":""}` is 22 bytes and padding needs one marker byte: this text pads to exactly 1024 bytes. */
const PAYLOAD: MessagePayload = { type: 'text', text: 'x'.repeat(MESSAGE_BYTES - 22 - 1) };

type Op = () => Promise<void>;

async function opsPerSecond(op: Op): Promise<{ ops: number; seconds: number }> {
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  let ops = 0;
  while (performance.now() < until) {
    await op();
    ops++;
  }
  return { ops, seconds: (performance.now() - started) / 1000 };
}

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

async function v1Full(): Promise<Op> {
  const conversationId = randomUUID();
  const sender = { userId: randomUUID(), deviceId: randomUUID() };
  const out = await OutboundSenderKey.create({ conversationId, epoch: 0, senderDeviceId: sender.deviceId, senderUserId: sender.userId });
  const inbound = await InboundSenderKey.fromShare(out.share());
  return async () => {
    const messageId = randomUUID();
    const env = await out.encrypt(messageId, PAYLOAD);
    const got = await inbound.decrypt(env, { conversationId, messageId, senderUserId: sender.userId, senderDeviceId: sender.deviceId });
    if (got.payload.type !== 'text') throw new Error('v1 round trip failed');
  };
}

/** The v1 path from the same exported functions, without ECDSA (the signature field is zeros and never checked). */
async function v1WithoutSignature(): Promise<Op> {
  const conversationId = randomUUID();
  const senderDeviceId = randomUUID();
  const start = chainState(0, generateChainKey());
  const sending = new SendingChain(start);
  const receiving = new ReceivingChain(start);
  const noSignature = new Uint8Array(64);
  return async () => {
    const messageId = randomUUID();
    const plaintext = encodePaddedPayload(PAYLOAD);
    const { index, messageKey } = await sending.nextMessageKey();
    const header = { conversationId, epoch: 0, senderDeviceId, messageId, chainIndex: index };
    const headerBytes = messageHeaderBytes(header);
    const iv = generateIv();
    const ciphertext = await encryptAesGcm(await importAesGcmKey(messageKey), { iv, additionalData: headerBytes, plaintext });
    const env = toEnvelopeV1({ header, iv, ciphertext, signature: noSignature });

    const parsed = parseEnvelopeV1(env);
    const rxHeader = messageHeaderBytes(parsed.header);
    const pending = await receiving.messageKeyFor(parsed.header.chainIndex);
    const padded = await decryptAesGcm(await importAesGcmKey(pending.messageKey), { iv: parsed.iv, additionalData: rxHeader, ciphertext: parsed.ciphertext });
    pending.commit();
    if (decodePaddedPayload(padded).type !== 'text') throw new Error('unsigned round trip failed');
  };
}

async function ecdsaSignVerify(): Promise<Op> {
  const pair = await generateEcdsaKeyPair();
  const header = messageHeaderBytes({ conversationId: randomUUID(), epoch: 0, senderDeviceId: randomUUID(), messageId: randomUUID(), chainIndex: 0 });
  const data = messageSignedBytes(header, new Uint8Array(12), new Uint8Array(MESSAGE_BYTES + 16));
  return async () => {
    const sig = await signEcdsaP256(pair.privateKey, data);
    if (!(await verifyEcdsaP256(pair.publicKey, data, sig))) throw new Error('signature did not verify');
  };
}

async function oneWebCryptoCall(): Promise<Op> {
  const data = new Uint8Array(32);
  return async () => {
    await crypto.subtle.digest('SHA-256', data);
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const cases: [string, Op][] = [
    ['bare AES-256-GCM encrypt+decrypt (1 KiB, cached key)', await bareAesGcm()],
    ['v1 encrypt+decrypt (1 KiB, with ECDSA sign+verify)', await v1Full()],
    ['v1 encrypt+decrypt without ECDSA (measurement only)', await v1WithoutSignature()],
    ['ECDSA P-256 sign+verify alone (same signed bytes)', await ecdsaSignVerify()],
    ['one near-empty Web Crypto call (SHA-256 of 32 bytes)', await oneWebCryptoCall()],
  ];
  const webCryptoCalls = [2, 12, 10, 2, 1];
  // Warm up (JIT, Web Crypto's first calls), then the interleaved rounds.
  for (const [, op] of cases) for (let i = 0; i < 200; i++) await op();
  const perRound = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, op] of cases) {
      const { ops, seconds } = await opsPerSecond(op);
      perRound.get(name)!.push(ops / seconds);
    }
  }
  const bare = median(perRound.get(cases[0]![0])!);
  const rows = cases.map(([name], i) => {
    const rates = perRound.get(name)!;
    const opsPerSec = median(rates);
    return {
      name,
      webCryptoCalls: webCryptoCalls[i]!,
      opsPerSecond: Math.round(opsPerSec),
      microsecondsPerOp: Number((1e6 / opsPerSec).toFixed(1)),
      costVsBare: Number((bare / opsPerSec).toFixed(2)),
      roundsOpsPerSecond: rates.map((r) => Math.round(r)),
    };
  });
  const cpu = cpus()[0]?.model ?? 'unknown';
  console.log(`node ${process.version}, ${availableParallelism()} cores (${cpu}), ${ROUNDS} rounds x ${SECONDS}s per case, one message at a time\n`);
  console.log('| case | Web Crypto calls | ops/s (median) | µs/op | cost vs bare AES-GCM |\n| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${r.webCryptoCalls} | ${r.opsPerSecond} | ${r.microsecondsPerOp} | ${r.costVsBare}x |`);
  const full = rows[1]!;
  const unsigned = rows[2]!;
  console.log(
    `\nTarget "within 2x of the bare call": with the signature ${full.costVsBare <= 2 ? 'met' : 'NOT met'} (${full.costVsBare}x); ` +
      `without it ${unsigned.costVsBare <= 2 ? 'met' : 'NOT met'} (${unsigned.costVsBare}x). ECDSA sign+verify alone costs ${rows[3]!.microsecondsPerOp} µs per message; one near-empty Web Crypto call ${rows[4]!.microsecondsPerOp} µs.`,
  );
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(root, 'bench', 'results', 'crypto-latest.json'),
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cores: availableParallelism(), cpu, messageBytes: MESSAGE_BYTES, secondsPerCase: SECONDS, rounds: ROUNDS, rows }, null, 2)}\n`,
  );
}

await main();
