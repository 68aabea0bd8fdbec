import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EnvelopeV1 } from './envelope';
import { decryptHistory, type HistoryMessage } from './history-decryption';
import { InboundSenderKey } from './inbound-sender-key';
import { OutboundSenderKey } from './outbound-sender-key';
import { flipBit, rejectionCode, testMessageId } from './protocol.testkit';
import { SenderKeyRing } from './sender-key-ring';

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

  it('refuses a concurrency outside 1..10000 and accepts an empty page', async () => {
    const ring = new SenderKeyRing();
    await expect(decryptHistory(ring, [], { concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(decryptHistory(ring, [], { concurrency: 1.5 })).rejects.toThrow(/concurrency/);
    expect(await decryptHistory(ring, [])).toEqual([]);
  });
});
