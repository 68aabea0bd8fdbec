import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EnvelopeV1 } from './envelope';
import { decryptHistory, type HistoryMessage } from './history-decryption';
import { generateEcdsaKeyPair } from './key-pair';
import { signEcdsaP256 } from './ecdsa';
import { OutboundSenderKey } from './outbound-sender-key';
import { flipBit, testMessageId } from './protocol.testkit';
import { SenderKeyRing } from './sender-key-ring';
import { serveSignatureVerification, SignatureVerifierError, SignatureVerifierPool, type VerifierEndpoint, type VerifierScope } from './signature-verifier-pool';
import type { VerificationKey } from './signature-verifier';

/** A "worker" served on the other end of a MessageChannel (same thread, same message passing). */
function channelWorker(): { endpoint: VerifierEndpoint; requests: () => number; close: () => void } {
  const { port1, port2 } = new MessageChannel();
  let requests = 0;
  port2.addEventListener('message', () => requests++);
  serveSignatureVerification(port2 as unknown as VerifierScope);
  port1.start();
  port2.start();
  return { endpoint: port1 as unknown as VerifierEndpoint, requests: () => requests, close: () => (port1.close(), port2.close()) };
}

async function keyOf(): Promise<{ key: VerificationKey; privateKey: CryptoKey }> {
  const pair = await generateEcdsaKeyPair();
  return { key: { id: randomUUID(), publicKey: pair.publicKey, publicKeyRaw: pair.publicKeyRaw }, privateKey: pair.privateKey };
}

describe('SignatureVerifierPool', () => {
  it('answers like the local verifier: true for valid signatures, false for forged or malformed ones', async () => {
    const workers = [channelWorker(), channelWorker()];
    const pool = new SignatureVerifierPool(workers.map((w) => w.endpoint));
    const [a, b] = [await keyOf(), await keyOf()];
    const data = new TextEncoder().encode('signed bytes');
    const sigA = await signEcdsaP256(a.privateKey, data);
    const forged = new Uint8Array(sigA);
    forged[10]! ^= 1;
    const answers = await Promise.all([
      pool.verify(a.key, data, sigA),
      pool.verify(b.key, data, sigA), // another key's signature
      pool.verify(a.key, new TextEncoder().encode('other bytes'), sigA),
      pool.verify(a.key, data, forged),
      pool.verify(a.key, data, sigA.subarray(0, 63)),
      pool.verify(a.key, data, sigA),
    ]);
    expect(answers).toEqual([true, false, false, false, false, true]);
    // Requests of one turn travel together: one message per endpoint.
    expect(workers.map((w) => w.requests())).toEqual([1, 1]);
    expect(pool.pending).toBe(0);
    workers.forEach((w) => w.close());
  });

  it('a point that does not import verifies nothing', async () => {
    const worker = channelWorker();
    const { key, privateKey } = await keyOf();
    const data = Uint8Array.of(1, 2, 3);
    const sig = await signEcdsaP256(privateKey, data);
    const pool = new SignatureVerifierPool([worker.endpoint]);
    expect(await pool.verify(key, data, sig)).toBe(true);
    // A second pool on the same worker names a key whose point is not on the curve.
    const liar = new SignatureVerifierPool([worker.endpoint]);
    expect(await liar.verify({ ...key, id: 'other', publicKeyRaw: new Uint8Array(65) }, data, sig)).toBe(false);
    worker.close();
  });

  it('a failed endpoint rejects its outstanding checks with SignatureVerifierError and takes no more work', async () => {
    const listeners: Record<string, ((event: unknown) => void)[]> = { message: [], error: [] };
    const dead: VerifierEndpoint = { postMessage: () => undefined, addEventListener: (type: string, l: (event: never) => void) => void listeners[type]!.push(l as (event: unknown) => void) };
    const live = channelWorker();
    const pool = new SignatureVerifierPool([dead, live.endpoint]);
    const { key, privateKey } = await keyOf();
    const data = Uint8Array.of(9);
    const sig = await signEcdsaP256(privateKey, data);
    const first = pool.verify(key, data, sig); // goes to the dead endpoint (fewest outstanding, first)
    const second = pool.verify(key, data, sig); // the live one
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (const l of listeners.error!) l(new Event('error'));
    await expect(first).rejects.toBeInstanceOf(SignatureVerifierError);
    expect(await second).toBe(true);
    expect(await pool.verify(key, data, sig)).toBe(true); // only the live endpoint is left
    expect(() => new SignatureVerifierPool([])).toThrow(SignatureVerifierError);
    live.close();
  });

  it('decryptHistory through a pool opens what the local verifier opens and refuses forged signatures', async () => {
    const conv = randomUUID();
    const ids = { userId: randomUUID(), deviceId: randomUUID() };
    const key = await OutboundSenderKey.create({ conversationId: conv, epoch: 0, senderDeviceId: ids.deviceId, senderUserId: ids.userId });
    const ring = new SenderKeyRing();
    await ring.add(key.share());
    const page: HistoryMessage[] = [];
    for (let i = 0; i < 40; i++) {
      const envelope: Required<EnvelopeV1> = await key.encrypt(testMessageId(), { type: 'text', text: `m${i}` });
      page.push({ envelope: i === 17 ? { ...envelope, sig: flipBit(envelope.sig, 1) } : envelope, routed: { conversationId: conv, messageId: envelope.messageId, senderUserId: ids.userId, senderDeviceId: ids.deviceId } });
    }
    const workers = [channelWorker(), channelWorker()];
    const results = await decryptHistory(ring, page, { verifier: new SignatureVerifierPool(workers.map((w) => w.endpoint)) });
    expect(results.map((r) => (r.ok ? 'ok' : (r.error as { code?: string }).code))).toEqual(page.map((_, i) => (i === 17 ? 'bad-signature' : 'ok')));
    expect(workers.every((w) => w.requests() > 0)).toBe(true);
    workers.forEach((w) => w.close());
  });
});
