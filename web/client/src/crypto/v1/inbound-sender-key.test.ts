import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { advanceChain, chainState, MAX_CHAIN_JUMP } from './chain';
import { signEcdsaP256 } from './ecdsa';
import { messageHeaderBytes, messageSignedBytes, parseEnvelopeV1, toEnvelopeV1, type EnvelopeV1 } from './envelope';
import { InboundSenderKey, type RoutedMessage } from './inbound-sender-key';
import { OutboundSenderKey } from './outbound-sender-key';
import type { MessagePayload } from './payload';
import { flipBit, rejectionCode, testMessageId } from './protocol.testkit';
import { SenderKeyRing } from './sender-key-ring';

const alice = { userId: randomUUID(), deviceId: randomUUID() };
const carol = { userId: randomUUID(), deviceId: randomUUID() };
const conv = randomUUID();
const otherConv = randomUUID();
const hello: MessagePayload = { type: 'text', text: 'hello' };

const routedOf = (env: Required<EnvelopeV1>, senderUserId = alice.userId): RoutedMessage => ({
  conversationId: env.conversationId,
  messageId: env.messageId,
  senderUserId,
  senderDeviceId: env.senderDeviceId,
});

async function outbound(conversationId = conv, epoch = 0, sender = alice) {
  return OutboundSenderKey.create({ conversationId, epoch, senderDeviceId: sender.deviceId, senderUserId: sender.userId });
}

describe('v1 message encryption (sender keys)', () => {
  let out: OutboundSenderKey;
  beforeAll(async () => {
    out = await outbound();
  });

  it('a member holding the share decrypts; header, sender and payload come back', async () => {
    const bob = await InboundSenderKey.fromShare(out.share());
    const reply: MessagePayload = { type: 'text', text: 'yes', reply: { messageId: testMessageId(), quote: 'hello?' } };
    const first = await out.encrypt(testMessageId(), hello);
    const second = await out.encrypt(testMessageId(), reply);
    expect([first.chainIndex, second.chainIndex]).toEqual([0, 1]);
    const d1 = await bob.decrypt(first, routedOf(first));
    expect(d1.payload).toEqual(hello);
    expect(d1.senderUserId).toBe(alice.userId);
    expect(d1.header).toMatchObject({ conversationId: conv, epoch: 0, senderDeviceId: alice.deviceId, chainIndex: 0 });
    expect((await bob.decrypt(second, routedOf(second))).payload).toEqual(reply);
  });

  it('the envelope: version 1, the header in clear, a padded ciphertext, a 64-byte signature', async () => {
    const env = await out.encrypt(testMessageId(), hello);
    expect(Object.keys(env)).toEqual(['v', 'conversationId', 'epoch', 'senderDeviceId', 'messageId', 'chainIndex', 'prev', 'iv', 'ct', 'sig']);
    const parsed = parseEnvelopeV1(env);
    expect(parsed.iv).toHaveLength(12);
    expect(parsed.ciphertext).toHaveLength(256 + 16);
    expect(parsed.signature).toHaveLength(64);
    expect(JSON.stringify(env)).not.toContain('hello');
  });

  it('tampering with any header field, the IV, the signature or any ciphertext byte makes decryption fail', async () => {
    const key = await OutboundSenderKey.create({ conversationId: conv, epoch: 3, senderDeviceId: alice.deviceId, senderUserId: alice.userId });
    const bob = await InboundSenderKey.fromShare(key.share());
    const env = await key.encrypt(testMessageId(), hello);
    const codes = new Map<string, string>();
    const attempt = async (what: string, e: Required<EnvelopeV1>, routed = routedOf(e)) => codes.set(what, await rejectionCode(bob.decrypt(e, routed)));
    await attempt('conversationId', { ...env, conversationId: otherConv });
    await attempt('epoch', { ...env, epoch: 4 });
    await attempt('senderDeviceId', { ...env, senderDeviceId: carol.deviceId });
    await attempt('messageId', { ...env, messageId: testMessageId() });
    await attempt('chainIndex', { ...env, chainIndex: 1 });
    for (let i = 0; i < 32; i++) await attempt(`prev[${i}]`, { ...env, prev: flipBit(env.prev, i, i % 8) });
    await attempt('sig', { ...env, sig: flipBit(env.sig, 20) });
    for (let i = 0; i < 12; i++) await attempt(`iv[${i}]`, { ...env, iv: flipBit(env.iv, i, i % 8) });
    const ctBytes = Buffer.from(env.ct, 'base64url').length;
    for (let i = 0; i < ctBytes; i++) await attempt(`ct[${i}]`, { ...env, ct: flipBit(env.ct, i, i % 8) });
    expect(codes.get('conversationId')).toBe('wrong-sender-key');
    expect(codes.get('epoch')).toBe('wrong-sender-key');
    expect(codes.get('senderDeviceId')).toBe('wrong-sender-key');
    expect(codes.get('messageId')).toBe('bad-signature');
    expect(codes.get('chainIndex')).toBe('bad-signature');
    expect(new Set([...codes.entries()].filter(([k]) => /^(prev|sig|iv|ct)/.test(k)).map(([, v]) => v))).toEqual(new Set(['bad-signature']));
    expect(codes.size).toBe(6 + 32 + 12 + ctBytes);
    // None of that consumed anything: the original still decrypts.
    expect((await bob.decrypt(env, routedOf(env))).payload).toEqual(hello);
  });

  it('the envelope must match the message the server delivered (conversation, id, sender user and device)', async () => {
    const bob = await InboundSenderKey.fromShare(out.share());
    const env = await out.encrypt(testMessageId(), hello);
    const r = routedOf(env);
    for (const routed of [{ ...r, conversationId: otherConv }, { ...r, messageId: testMessageId() }, { ...r, senderUserId: carol.userId }, { ...r, senderDeviceId: carol.deviceId }, { ...r, messageId: 'x' }]) {
      expect(await rejectionCode(bob.decrypt(env, routed))).toBe('routing-mismatch');
    }
    expect((await bob.decrypt(env, r)).payload).toEqual(hello);
  });

  it('an envelope sent without its ids (they travel beside it) decrypts with the routed ones, and only those', async () => {
    const bob = await InboundSenderKey.fromShare(out.share());
    const env = await out.encrypt(testMessageId(), hello);
    const { conversationId: _c, messageId: _m, ...bare } = env;
    expect(await rejectionCode(bob.decrypt(bare, { ...routedOf(env), messageId: testMessageId() }))).toBe('bad-signature');
    expect((await bob.decrypt(bare, routedOf(env))).payload).toEqual(hello);
  });

  it('a ciphertext moved by the server to another conversation, epoch or sender fails', async () => {
    const keys = {
      conv: await outbound(conv, 0),
      otherConv: await outbound(otherConv, 0),
      nextEpoch: await outbound(conv, 1),
      carol: await outbound(conv, 0, carol),
    };
    const ring = new SenderKeyRing();
    for (const k of Object.values(keys)) await ring.add(k.share());
    const env = await keys.conv.encrypt(testMessageId(), hello);
    const moved: [Required<EnvelopeV1>, RoutedMessage][] = [
      [{ ...env, conversationId: otherConv }, { ...routedOf(env), conversationId: otherConv }],
      [{ ...env, epoch: 1 }, routedOf(env)],
      [{ ...env, senderDeviceId: carol.deviceId }, { ...routedOf(env, carol.userId), senderDeviceId: carol.deviceId }],
    ];
    for (const [e, routed] of moved) expect(await rejectionCode(ring.decrypt(e, routed))).toBe('bad-signature');
    expect((await ring.decrypt(env, routedOf(env))).payload).toEqual(hello);
  });

  it('even the sender re-signing a moved ciphertext fails: every header field is AES-GCM additional data', async () => {
    const key = await outbound();
    const bob = await InboundSenderKey.fromShare(key.share());
    const env = await key.encrypt(testMessageId(), hello);
    const parsed = parseEnvelopeV1(env);
    for (const header of [{ ...parsed.header, messageId: testMessageId() }, { ...parsed.header, chainIndex: 1 }]) {
      const sig = await signEcdsaP256(key.record().signingPrivateKey, messageSignedBytes(messageHeaderBytes(header), parsed.iv, parsed.ciphertext));
      const forged = toEnvelopeV1({ ...parsed, header, signature: sig });
      expect(await rejectionCode(bob.decrypt(forged, routedOf(forged)))).toBe('decryption-failed');
    }
  });

  it('a replayed message (same id, or same chain index) is rejected', async () => {
    const bob = await InboundSenderKey.fromShare(out.share());
    const env = await out.encrypt(testMessageId(), hello);
    await bob.decrypt(env, routedOf(env));
    expect(await rejectionCode(bob.decrypt(env, routedOf(env)))).toBe('replay');
    const [a, b] = await Promise.all([out.encrypt(testMessageId(), hello), out.encrypt(testMessageId(), hello)]);
    const results = await Promise.all([bob.decrypt(b, routedOf(b)), bob.decrypt(b, routedOf(b))].map(rejectionCode));
    expect(results.sort()).toEqual(['accepted', 'replay']);
    expect(await rejectionCode(bob.decrypt(a, routedOf(a)))).toBe('accepted');
    expect(await rejectionCode(bob.decrypt(a, routedOf(a)))).toBe('replay');
    // A sender reusing a message id under a new chain index is refused too.
    const reused = await out.encrypt(a.messageId, hello);
    expect(await rejectionCode(bob.decrypt(reused, routedOf(reused)))).toBe('replay');
  });

  it('out-of-order delivery of 1000 messages decrypts every one, concurrently, exactly once', async () => {
    const key = await outbound();
    const bob = await InboundSenderKey.fromShare(key.share());
    const sent: Required<EnvelopeV1>[] = [];
    for (let i = 0; i < 1000; i++) sent.push(await key.encrypt(testMessageId(), { type: 'text', text: `message ${i}` }));
    const shuffled = [...sent];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const firstHalf = await Promise.all(shuffled.slice(0, 500).map((e) => bob.decrypt(e, routedOf(e))));
    const secondHalf: string[] = [];
    for (const e of shuffled.slice(500)) secondHalf.push(((await bob.decrypt(e, routedOf(e))).payload as { text: string }).text);
    const texts = [...firstHalf.map((d) => (d.payload as { text: string }).text), ...secondHalf];
    expect(new Set(texts).size).toBe(1000);
    expect(texts.sort()).toEqual(sent.map((_, i) => `message ${i}`).sort());
    expect(bob.chainIndex).toBe(1000);
    expect(await rejectionCode(bob.decrypt(sent[500]!, routedOf(sent[500]!)))).toBe('replay');
  }, 60_000);

  it('the signature is checked before the chain moves: a forged far-ahead message changes nothing', async () => {
    const key = await outbound();
    const bob = await InboundSenderKey.fromShare(key.share());
    const real = await key.encrypt(testMessageId(), hello);
    const forged = { ...real, chainIndex: MAX_CHAIN_JUMP, messageId: testMessageId() };
    expect(await rejectionCode(bob.decrypt(forged, routedOf(forged)))).toBe('bad-signature');
    expect(bob.chainIndex).toBe(0);
    expect((await bob.decrypt(real, routedOf(real))).payload).toEqual(hello);
  });

  it('a key computed ahead is tried while the signature is checked, but consumed only when both pass', async () => {
    const key = await outbound();
    const bob = await InboundSenderKey.fromShare(key.share());
    const m0 = await key.encrypt(testMessageId(), { type: 'text', text: 'm0' });
    await bob.decrypt(m0, routedOf(m0)); // bob now computes index 1 ahead
    const m1 = await key.encrypt(testMessageId(), { type: 'text', text: 'm1' });
    const parsed = parseEnvelopeV1(m1);
    // Right ciphertext, wrong signature: AES-GCM would open it, the signature decides.
    expect(await rejectionCode(bob.decrypt({ ...m1, sig: flipBit(m1.sig, 5) }, routedOf(m1)))).toBe('bad-signature');
    // Valid signature by the sender over a ciphertext the key does not open.
    const badCt = flipBit(m1.ct, 40);
    const resigned = await signEcdsaP256(key.record().signingPrivateKey, messageSignedBytes(messageHeaderBytes(parsed.header), parsed.iv, Buffer.from(badCt, 'base64url')));
    expect(await rejectionCode(bob.decrypt({ ...m1, ct: badCt, sig: Buffer.from(resigned).toString('base64url') }, routedOf(m1)))).toBe('decryption-failed');
    expect(bob.chainIndex).toBe(1);
    expect((await bob.decrypt(m1, routedOf(m1))).payload).toEqual({ type: 'text', text: 'm1' });
    // A gap needs a walk: a forged message there is refused before the chain walks, the genuine one walks.
    const m2 = await key.encrypt(testMessageId(), { type: 'text', text: 'm2' });
    const m3 = await key.encrypt(testMessageId(), { type: 'text', text: 'm3' });
    expect(await rejectionCode(bob.decrypt({ ...m3, sig: flipBit(m3.sig, 9) }, routedOf(m3)))).toBe('bad-signature');
    expect(bob.chainIndex).toBe(2);
    expect((await bob.decrypt(m3, routedOf(m3))).payload).toEqual({ type: 'text', text: 'm3' });
    expect((await bob.decrypt(m2, routedOf(m2))).payload).toEqual({ type: 'text', text: 'm2' });
    expect(bob.chainIndex).toBe(4);
  });

  it('a genuine message further ahead than the chain may jump is refused as key-unavailable', async () => {
    const start = await outbound();
    const share = start.share();
    const far = await advanceChain(chainState(0, share.chainKey), MAX_CHAIN_JUMP + 1, { maxJump: MAX_CHAIN_JUMP + 1 });
    const ahead = OutboundSenderKey.restore({ ...start.record(), chain: far.state });
    const bob = await InboundSenderKey.fromShare(share);
    const env = await ahead.encrypt(testMessageId(), hello);
    expect(env.chainIndex).toBe(MAX_CHAIN_JUMP + 1);
    expect(await rejectionCode(bob.decrypt(env, routedOf(env)))).toBe('key-unavailable');
  });

  it('a share from a later index cannot read earlier messages (a member added mid-chain)', async () => {
    const key = await outbound();
    const early = await key.encrypt(testMessageId(), hello);
    const late = await InboundSenderKey.fromShare(key.share());
    expect(await rejectionCode(late.decrypt(early, routedOf(early)))).toBe('key-unavailable');
    const next = await key.encrypt(testMessageId(), hello);
    expect((await late.decrypt(next, routedOf(next))).payload).toEqual(hello);
  });

  it('record/restore keeps the chain position, so indices are never reused', async () => {
    const key = await outbound();
    const bob = await InboundSenderKey.fromShare(key.share());
    await key.encrypt(testMessageId(), hello);
    const resumed = OutboundSenderKey.restore(key.record());
    expect(resumed.messagesSent).toBe(1);
    const env = await resumed.encrypt(testMessageId(), hello);
    expect(env.chainIndex).toBe(1);
    expect((await bob.decrypt(env, routedOf(env))).payload).toEqual(hello);
  });

  it('an inbound key stored mid-conversation resumes: late messages still open, replays are still refused', async () => {
    const key = await outbound();
    const bob = await InboundSenderKey.fromShare(key.share());
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await key.encrypt(testMessageId(), { type: 'text', text: `m${i}` }));
    await bob.decrypt(sent[3]!, routedOf(sent[3]!));
    await bob.decrypt(sent[0]!, routedOf(sent[0]!));
    const record = structuredClone(bob.record());
    expect(record.chain.index).toBe(4);
    expect(record.chain.skipped.map((k) => k.index)).toEqual([1, 2]);
    expect(record.seen.map(([, i]) => i)).toEqual([3, 0]);
    const resumed = await InboundSenderKey.restore(record);
    expect(await rejectionCode(resumed.decrypt(sent[3]!, routedOf(sent[3]!)))).toBe('replay');
    expect(await rejectionCode(resumed.decrypt(sent[0]!, routedOf(sent[0]!)))).toBe('replay');
    for (const i of [2, 4, 1]) expect((await resumed.decrypt(sent[i]!, routedOf(sent[i]!))).payload).toEqual({ type: 'text', text: `m${i}` });
    await expect(InboundSenderKey.restore({ ...record, seen: [[testMessageId(), 9]] })).rejects.toThrow(/beyond the chain/);
    await expect(InboundSenderKey.restore({ ...record, signingPublicKey: new Uint8Array(65) })).rejects.toThrow();
  });

  it('a ring stored and restored keeps every key', async () => {
    const ring = new SenderKeyRing();
    const a = await outbound();
    const b = await outbound(otherConv);
    await ring.add(a.share());
    await ring.add(b.share());
    const env = await a.encrypt(testMessageId(), hello);
    await ring.decrypt(env, routedOf(env));
    const restored = await SenderKeyRing.restore(structuredClone(ring.records()));
    expect(restored.size).toBe(2);
    expect(await rejectionCode(restored.decrypt(env, routedOf(env)))).toBe('replay');
    const next = await b.encrypt(testMessageId(), hello);
    expect((await restored.decrypt(next, routedOf(next))).payload).toEqual(hello);
  });
});
