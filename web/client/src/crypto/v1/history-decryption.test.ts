import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { advanceChain } from './chain';
import { messageHeaderBytes, messageSignedBytes, parseEnvelopeV1, type EnvelopeV1 } from './envelope';
import { messageDigest } from './message-digest';
import { decryptHistory, type HistoryMessage } from './history-decryption';
import { InboundSenderKey } from './inbound-sender-key';
import { OutboundSenderKey } from './outbound-sender-key';
import { flipBit, rejectionCode, testMessageId } from './protocol.testkit';
import { SenderKeyRing } from './sender-key-ring';
import { localSignatureVerifier, type SignatureVerifier } from './signature-verifier';

const conv = randomUUID();

async function senders(count: number) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const ids = { userId: randomUUID(), deviceId: randomUUID() };
      const key = await OutboundSenderKey.create({ conversationId: conv, epoch: 0, senderDeviceId: ids.deviceId, senderUserId: ids.userId });
      return { ids, key, share: key.share() };
    }),
  );
}

type Sender = Awaited<ReturnType<typeof senders>>[number];

async function send(sender: Sender, text: string): Promise<HistoryMessage> {
  const envelope: Required<EnvelopeV1> = await sender.key.encrypt(testMessageId(), { type: 'text', text });
  return { envelope, routed: { conversationId: conv, messageId: envelope.messageId, senderUserId: sender.ids.userId, senderDeviceId: sender.ids.deviceId } };
}

async function ringOf(all: Sender[], options = {}): Promise<SenderKeyRing> {
  const ring = new SenderKeyRing(options);
  for (const s of all) await ring.add(s.share);
  return ring;
}

/** The local verifier, counting its checks. */
function countingVerifier(): SignatureVerifier & { checks: number } {
  const v = { checks: 0, verify: (...args: Parameters<SignatureVerifier['verify']>) => (v.checks++, localSignatureVerifier.verify(...args)) };
  return v;
}

const texts = (results: Awaited<ReturnType<typeof decryptHistory>>) => results.map((r) => (r.ok && r.message.payload.type === 'text' ? r.message.payload.text : `error: ${r.ok ? '' : (r.error as { code?: string }).code}`));

describe('decryptHistory', () => {
  it('decrypts interleaved senders, newest first, into results in input order', async () => {
    const all = await senders(3);
    const history: HistoryMessage[] = [];
    for (let i = 0; i < 60; i++) history.push(await send(all[(i * 7) % 3]!, `m${i}`));
    const newestFirst = [...history].reverse();
    const results = await decryptHistory(await ringOf(all), newestFirst, { concurrency: 8 });
    expect(texts(results)).toEqual(newestFirst.map((_, i) => `m${59 - i}`));
    for (const [i, r] of results.entries()) expect(r.ok && r.message.header.messageId).toBe(newestFirst[i]!.routed.messageId);
  });

  it('reads each chain in index order, so a page longer than the skipped-key cache opens in any order', async () => {
    const [alice] = await senders(1);
    const history: HistoryMessage[] = [];
    for (let i = 0; i < 30; i++) history.push(await send(alice!, `m${i}`));
    const newestFirst = [...history].reverse();
    // One message at a time, newest first, a 10-key cache loses the oldest messages...
    const oneByOne = await InboundSenderKey.fromShare(alice!.share, { skippedCapacity: 10 });
    const codes = [];
    for (const m of newestFirst) codes.push(await rejectionCode(oneByOne.decrypt(m.envelope, m.routed)));
    expect(codes.filter((c) => c === 'key-unavailable')).toHaveLength(19);
    // ...while the history reader walks the chain forward and opens all 30.
    const results = await decryptHistory(await ringOf([alice!], { skippedCapacity: 10 }), newestFirst);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(texts(results)).toEqual(newestFirst.map((_, i) => `m${29 - i}`));
  });

  it('one bad message is its own failed result; the others still open', async () => {
    const [alice, bob] = await senders(2);
    const good = [await send(alice!, 'one'), await send(bob!, 'two'), await send(alice!, 'three')];
    const tampered = await send(bob!, 'tampered');
    const stranger = (await senders(1))[0]!;
    const unknownKey = await send(stranger, 'no key');
    const env = tampered.envelope as Required<EnvelopeV1>;
    const input: HistoryMessage[] = [
      good[0]!,
      { ...tampered, envelope: { ...env, ct: flipBit(env.ct, 3) } },
      { envelope: { v: 1, nonsense: true }, routed: good[0]!.routed },
      unknownKey,
      good[1]!,
      good[1]!, // delivered twice
      { ...good[2]!, routed: { ...good[2]!.routed, senderUserId: bob!.ids.userId } },
    ];
    const results = await decryptHistory(await ringOf([alice!, bob!]), input);
    expect(texts(results)).toEqual(['one', 'error: bad-signature', 'error: malformed', 'error: missing-sender-key', 'two', 'error: replay', 'error: routing-mismatch']);
  });

  describe('links: one signature check per run of consecutive messages, the same answers as checking each', () => {
    it('a page of three senders needs three signature checks, however long', async () => {
      const all = await senders(3);
      const history: HistoryMessage[] = [];
      for (let i = 0; i < 90; i++) history.push(await send(all[(i * 7) % 3]!, `m${i}`));
      const linked = countingVerifier();
      const results = await decryptHistory(await ringOf(all), [...history].reverse(), { verifier: linked });
      expect(results.every((r) => r.ok)).toBe(true);
      expect(linked.checks).toBe(3);
      const each = countingVerifier();
      expect(texts(await decryptHistory(await ringOf(all), [...history].reverse(), { verifier: each, signatures: 'each' }))).toEqual(texts(results));
      expect(each.checks).toBe(90);
    });

    it('a gap splits a run: the message before a missing one is checked on its own', async () => {
      const [alice] = await senders(1);
      const history: HistoryMessage[] = [];
      for (let i = 0; i < 10; i++) history.push(await send(alice!, `m${i}`));
      const withGaps = history.filter((_, i) => i !== 4 && i !== 7);
      const v = countingVerifier();
      const results = await decryptHistory(await ringOf([alice!]), withGaps, { verifier: v });
      expect(texts(results)).toEqual(['m0', 'm1', 'm2', 'm3', 'm5', 'm6', 'm8', 'm9']);
      expect(v.checks).toBe(3); // m3, m6, m9
    });

    it('no alteration of any message is vouched for: each is refused as checking every signature refuses it', async () => {
      const [alice] = await senders(1);
      const history: HistoryMessage[] = [];
      for (let i = 0; i < 8; i++) history.push(await send(alice!, `m${i}`));
      const alter = (i: number, change: (e: Required<EnvelopeV1>) => Required<EnvelopeV1>) =>
        history.map((m, j) => (j === i ? { ...m, envelope: change(m.envelope as Required<EnvelopeV1>) } : m));
      const cases: [string, HistoryMessage[]][] = [
        ['signature of a middle message', alter(3, (e) => ({ ...e, sig: flipBit(e.sig, 5) }))],
        ['ciphertext of a middle message', alter(3, (e) => ({ ...e, ct: flipBit(e.ct, 40) }))],
        ['prev of a middle message', alter(3, (e) => ({ ...e, prev: flipBit(e.prev, 0) }))],
        ['IV of the newest message', alter(7, (e) => ({ ...e, iv: flipBit(e.iv, 1) }))],
        ['signature of the oldest message', alter(0, (e) => ({ ...e, sig: flipBit(e.sig, 9) }))],
      ];
      for (const [what, page] of cases) {
        const linked = texts(await decryptHistory(await ringOf([alice!]), page));
        const each = texts(await decryptHistory(await ringOf([alice!]), page, { signatures: 'each' }));
        expect([what, linked]).toEqual([what, each]);
        expect([what, linked.filter((t) => t.startsWith('error'))]).toEqual([what, ['error: bad-signature']]);
      }
    });

    it('a member cannot slip a forged message into someone else\'s run', async () => {
      const [alice, mallory] = await senders(2);
      const history: HistoryMessage[] = [];
      for (let i = 0; i < 6; i++) history.push(await send(alice!, `m${i}`));
      // Mallory holds Alice's share (every member does), so she can compute Alice's message key 2 and write an
      // AES-GCM-valid message at Alice's index 2 with the right prev; she can only sign it with her own key. The
      // server swaps it in for Alice's. Alice's index 3 names the real message's digest, not hers, so her message
      // must pass its own signature check, and fails; m1, whose would-be voucher is forged, is checked on its own.
      const at2 = await advanceChain({ index: 0, chainKey: alice!.share.chainKey }, 2);
      const m1 = parseEnvelopeV1(history[1]!.envelope);
      const mallorys = mallory!.key.record();
      const forger = OutboundSenderKey.restore({
        ...mallorys,
        senderDeviceId: alice!.ids.deviceId,
        senderUserId: alice!.ids.userId,
        startIndex: 2,
        chain: at2.state,
        prevDigest: await messageDigest(messageSignedBytes(messageHeaderBytes(m1.header), m1.iv, m1.ciphertext), m1.signature),
      });
      const forged = await forger.encrypt(testMessageId(), { type: 'text', text: 'forged' });
      const page = [...history.slice(0, 2), { envelope: forged, routed: { ...history[2]!.routed, messageId: forged.messageId } }, ...history.slice(3)];
      const v = countingVerifier();
      expect(texts(await decryptHistory(await ringOf([alice!]), page, { verifier: v }))).toEqual(['m0', 'm1', 'error: bad-signature', 'm3', 'm4', 'm5']);
      expect(v.checks).toBe(3); // m5 (newest), the forged message, m1
    });

    it('a sender that lost its last digest (zeros) costs one more check and nothing else', async () => {
      const [alice] = await senders(1);
      const history: HistoryMessage[] = [];
      for (let i = 0; i < 3; i++) history.push(await send(alice!, `m${i}`));
      alice!.key = OutboundSenderKey.restore({ ...alice!.key.record(), prevDigest: undefined });
      for (let i = 3; i < 6; i++) history.push(await send(alice!, `m${i}`));
      expect((history[3]!.envelope as Required<EnvelopeV1>).prev).toBe('A'.repeat(43));
      const v = countingVerifier();
      expect(texts(await decryptHistory(await ringOf([alice!]), history, { verifier: v }))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
      expect(v.checks).toBe(2);
    });
  });

  it('refuses a concurrency outside 1..10000 and accepts an empty page', async () => {
    const ring = new SenderKeyRing();
    await expect(decryptHistory(ring, [], { concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(decryptHistory(ring, [], { concurrency: 1.5 })).rejects.toThrow(/concurrency/);
    expect(await decryptHistory(ring, [])).toEqual([]);
  });
});
