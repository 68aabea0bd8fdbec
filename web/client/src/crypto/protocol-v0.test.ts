import { describe, expect, it } from 'vitest';
import type { EnvelopeV0 } from '@cipherlink/proto';
import { EnvelopeV0 as EnvelopeV0Schema } from '@cipherlink/proto';
import { fromBase64Url, toBase64Url } from './base64url';
import { generateDeviceKeyPair } from './device-keys';
import { DecryptionError, NotForThisDeviceError } from './errors';
import { ProtocolV0 } from './protocol-v0';

const CONV = '0190a6e0-0000-4000-8000-000000000001';
const OTHER_CONV = '0190a6e0-0000-4000-8000-000000000002';
const ALICE_DEV = '0190a6e0-0000-4000-8000-00000000000a';
const BOB_DEV = '0190a6e0-0000-4000-8000-00000000000b';
const EVE_DEV = '0190a6e0-0000-4000-8000-00000000000e';
const MSG = '0190a6e0-1111-7000-8000-000000000001';
const OTHER_MSG = '0190a6e0-1111-7000-8000-000000000002';

/** A SubtleCrypto that counts calls, to prove derivations are cached. */
function countingSubtle() {
  const counts = { deriveBits: 0, deriveKey: 0 };
  const real = globalThis.crypto.subtle;
  const subtle = new Proxy(real, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (prop === 'deriveBits' || prop === 'deriveKey') counts[prop]++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { subtle, counts };
}

async function setup() {
  const alice = await generateDeviceKeyPair();
  const bob = await generateDeviceKeyPair();
  return {
    alice,
    bob,
    a: new ProtocolV0({ deviceId: ALICE_DEV, privateKey: alice.privateKey }),
    b: new ProtocolV0({ deviceId: BOB_DEV, privateKey: bob.privateKey }),
  };
}

async function aliceToBob(text = 'hello bob') {
  const s = await setup();
  const env = (await s.a.encrypt({
    conversationId: CONV,
    messageId: MSG,
    recipientDeviceId: BOB_DEV,
    recipientPublicKey: s.bob.publicKeyRaw,
    content: { t: 'text', text },
  })) as EnvelopeV0;
  return { ...s, env };
}

describe('protocol v0', () => {
  it('produces a valid EnvelopeV0 that the recipient and the sender can both decrypt', async () => {
    const { env, a, b, alice, bob } = await aliceToBob('héllo 👋');
    expect(EnvelopeV0Schema.parse(env)).toEqual(env);
    expect(env).toMatchObject({ v: 0, senderDeviceId: ALICE_DEV, recipientDeviceId: BOB_DEV });
    expect(fromBase64Url(env.iv)).toHaveLength(12);
    // 16-byte GCM tag after the ciphertext.
    expect(fromBase64Url(env.ct).length).toBe(new TextEncoder().encode('{"t":"text","text":"héllo 👋"}').length + 16);
    expect(await b.decrypt({ conversationId: CONV, messageId: MSG, envelope: env, peerPublicKey: alice.publicKeyRaw })).toEqual({
      t: 'text',
      text: 'héllo 👋',
    });
    // The sender reads its own message with (its private key, recipient public key).
    expect(await a.decrypt({ conversationId: CONV, messageId: MSG, envelope: env, peerPublicKey: bob.publicKeyRaw })).toEqual({
      t: 'text',
      text: 'héllo 👋',
    });
  });

  it('names the other end as peer, and refuses envelopes addressed to neither of its ends', async () => {
    const { env, a, b, alice } = await aliceToBob();
    expect(a.peerDeviceOf(env)).toBe(BOB_DEV);
    expect(b.peerDeviceOf(env)).toBe(ALICE_DEV);
    const eve = new ProtocolV0({ deviceId: EVE_DEV, privateKey: (await generateDeviceKeyPair()).privateKey });
    expect(() => eve.peerDeviceOf(env)).toThrow(NotForThisDeviceError);
    await expect(eve.decrypt({ conversationId: CONV, messageId: MSG, envelope: env, peerPublicKey: alice.publicKeyRaw })).rejects.toMatchObject({
      reason: 'sent to another device',
    });
  });

  it('encrypts the same text twice to different IVs and ciphertexts', async () => {
    const { a, bob } = await setup();
    const req = { conversationId: CONV, messageId: MSG, recipientDeviceId: BOB_DEV, recipientPublicKey: bob.publicKeyRaw, content: { t: 'text' as const, text: 'same' } };
    const e1 = (await a.encrypt(req)) as EnvelopeV0;
    const e2 = (await a.encrypt(req)) as EnvelopeV0;
    expect(e1.iv).not.toBe(e2.iv);
    expect(e1.ct).not.toBe(e2.ct);
  });

  describe('fails authentication when anything bound to the message changes', () => {
    const decryptAsBob = async (mutate: (x: { env: EnvelopeV0; conversationId: string; messageId: string }) => void) => {
      const { env, b, alice } = await aliceToBob();
      const x = { env: { ...env }, conversationId: CONV, messageId: MSG };
      mutate(x);
      return b.decrypt({ conversationId: x.conversationId, messageId: x.messageId, envelope: x.env, peerPublicKey: alice.publicKeyRaw });
    };

    it('conversation id', async () => {
      await expect(decryptAsBob((x) => (x.conversationId = OTHER_CONV))).rejects.toBeInstanceOf(DecryptionError);
    });
    it('message id', async () => {
      await expect(decryptAsBob((x) => (x.messageId = OTHER_MSG))).rejects.toBeInstanceOf(DecryptionError);
    });
    it('sender device id', async () => {
      await expect(decryptAsBob((x) => (x.env.senderDeviceId = EVE_DEV))).rejects.toBeInstanceOf(DecryptionError);
    });
    it('recipient device id', async () => {
      await expect(decryptAsBob((x) => (x.env.recipientDeviceId = EVE_DEV))).rejects.toBeInstanceOf(DecryptionError);
    });
    it('IV', async () => {
      await expect(
        decryptAsBob((x) => {
          const iv = fromBase64Url(x.env.iv);
          iv[0] = iv[0]! ^ 1;
          x.env.iv = toBase64Url(iv);
        }),
      ).rejects.toBeInstanceOf(DecryptionError);
    });
    it('every single ciphertext (and tag) byte', async () => {
      const { env, b, alice } = await aliceToBob();
      const ct = fromBase64Url(env.ct);
      for (let i = 0; i < ct.length; i++) {
        const bad = ct.slice();
        bad[i] = bad[i]! ^ 0x80;
        await expect(
          b.decrypt({ conversationId: CONV, messageId: MSG, envelope: { ...env, ct: toBase64Url(bad) }, peerPublicKey: alice.publicKeyRaw }),
        ).rejects.toBeInstanceOf(DecryptionError);
      }
    });
    it('but not the letter case of ids (UUIDs are compared in canonical lowercase)', async () => {
      const plain = await decryptAsBob((x) => {
        x.messageId = MSG.toUpperCase();
        x.conversationId = CONV.toUpperCase();
      });
      expect(plain.text).toBe('hello bob');
    });
  });

  it('rejects a decryption with the wrong peer key', async () => {
    const { env, b } = await aliceToBob();
    const mallory = await generateDeviceKeyPair();
    await expect(b.decrypt({ conversationId: CONV, messageId: MSG, envelope: env, peerPublicKey: mallory.publicKeyRaw })).rejects.toBeInstanceOf(
      DecryptionError,
    );
  });

  it('derives the message key once per (conversation, device pair), however many messages', async () => {
    const alice = await generateDeviceKeyPair();
    const bob = await generateDeviceKeyPair();
    const { subtle, counts } = countingSubtle();
    const a = new ProtocolV0({ deviceId: ALICE_DEV, privateKey: alice.privateKey, subtle });
    const b = new ProtocolV0({ deviceId: BOB_DEV, privateKey: bob.privateKey });
    const send = (conversationId: string, i: number) =>
      a.encrypt({ conversationId, messageId: MSG, recipientDeviceId: BOB_DEV, recipientPublicKey: bob.publicKeyRaw, content: { t: 'text', text: `m${i}` } });
    // Concurrent first use still derives once (the promise is cached).
    const envs = await Promise.all(Array.from({ length: 20 }, (_, i) => send(CONV, i)));
    expect(counts).toEqual({ deriveBits: 1, deriveKey: 1 });
    // Decrypting our own messages uses the same pair, so the same cached key.
    for (const envelope of envs) await a.decrypt({ conversationId: CONV, messageId: MSG, envelope, peerPublicKey: bob.publicKeyRaw });
    expect(counts).toEqual({ deriveBits: 1, deriveKey: 1 });
    // A different conversation is a different key.
    await send(OTHER_CONV, 0);
    expect(counts).toEqual({ deriveBits: 2, deriveKey: 2 });
    // And Bob (separate instance, no shared cache) still decrypts.
    const plain = await b.decrypt({ conversationId: CONV, messageId: MSG, envelope: envs[7]!, peerPublicKey: alice.publicKeyRaw });
    expect(plain.text).toBe('m7');
  });
});
