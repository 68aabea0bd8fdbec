/**
 * Protocol v1 test vectors: `UPDATE_VECTORS=1 vitest run --project unit web/client/src/crypto/v1/protocol-vectors`
 * rewrites docs/protocol-v1-vectors.json; otherwise the file is checked: our implementation must reproduce every
 * deterministic field from the same fixed inputs, every signature in it must verify, its message, distribution
 * and backup must open through our receiving paths, and node:crypto (a second implementation) must agree.
 */
import { createCipheriv, createDecipheriv, createECDH, createHash, createPublicKey, hkdfSync, verify as nodeVerify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deviceCertificateFromJson, verifyDeviceCertificate } from './device-certificate';
import { openSenderKeyDistribution } from './distribution';
import { verifyEcdsaP256 } from './ecdsa';
import type { EnvelopeV1 } from './envelope';
import { importIdentityKeyFromBackup } from './identity';
import { InboundSenderKey } from './inbound-sender-key';
import { openKeyBackup } from './key-backup';
import { importP256PrivateScalar } from './key-pair';
import { buildProtocolVectors, type ProtocolVectors } from './protocol-vectors.testkit';
import { importP256PublicKey } from './public-key';
import { compareScannedSafetyNumber, computeSafetyNumber } from './safety-number';

const VECTORS_PATH = resolve(import.meta.dirname, '../../../../..', 'docs/protocol-v1-vectors.json');
const h = (hex: unknown) => new Uint8Array(Buffer.from(hex as string, 'hex'));
type Obj = Record<string, unknown>;

/** What of the linked message depends on the first message's signature (through `prev`), so is not reproducible. */
const SIGNATURE_DEPENDENT = ['prev', 'header', 'ciphertext', 'signedBytes', 'envelope'];

/**
 * Everything but the signatures (random ECDSA nonces), the distribution blob without its signature, and the
 * linked message without what its `prev` makes depend on the first message's signature.
 */
function deterministic(v: ProtocolVectors): unknown {
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(strip);
    if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'signature' && k !== 'sig').map(([k, val]) => [k, strip(val)]));
    return x;
  };
  const out = strip(v) as Obj;
  const blob = v.senderKeyDistribution.blob as string;
  (out.senderKeyDistribution as Obj).blob = Buffer.from(blob, 'base64url').subarray(0, -64).toString('hex');
  out.linkedMessage = Object.fromEntries(Object.entries(out.linkedMessage as Obj).filter(([k]) => !SIGNATURE_DEPENDENT.includes(k)));
  return out;
}

/** The JWK a node:crypto public key needs for a raw point. */
function nodePublicKey(raw: Uint8Array) {
  const b = Buffer.from(raw);
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b.subarray(1, 33).toString('base64url'), y: b.subarray(33).toString('base64url') }, format: 'jwk' });
}

describe('protocol v1 test vectors (docs/protocol-v1-vectors.json)', () => {
  let file: ProtocolVectors;
  beforeAll(async () => {
    if (process.env.UPDATE_VECTORS === '1') writeFileSync(VECTORS_PATH, `${JSON.stringify(await buildProtocolVectors(), null, 2)}\n`);
    file = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as ProtocolVectors;
  });

  it('our implementation reproduces every deterministic field from the fixed inputs', async () => {
    expect(deterministic(await buildProtocolVectors())).toEqual(deterministic(file));
  });

  it('every signature in the file verifies, and fails with one bit flipped', async () => {
    const cert = file.deviceCertificate;
    const m = file.message;
    const d = file.senderKeyDistribution;
    const checks: [Uint8Array, Uint8Array, Uint8Array][] = [
      [h(cert.identityPublicKey), h(cert.signedBytes), h(cert.signature)],
      [h(m.senderKeySigningPublicKey), h(m.signedBytes), h(m.signature)],
      [h(m.senderKeySigningPublicKey), h(file.linkedMessage.signedBytes), h(file.linkedMessage.signature)],
      [h((d.sender as Obj).signingPublicKey), h(d.signedBytes), h(d.signature)],
    ];
    for (const [pub, data, sig] of checks) {
      const key = await importP256PublicKey(pub, 'ECDSA');
      expect(await verifyEcdsaP256(key, data, sig)).toBe(true);
      expect(nodeVerify('sha256', data, { key: nodePublicKey(pub), dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
      const bad = new Uint8Array(data);
      bad[bad.length - 1]! ^= 1;
      expect(await verifyEcdsaP256(key, bad, sig)).toBe(false);
    }
    await expect(verifyDeviceCertificate(h(cert.identityPublicKey), deviceCertificateFromJson(cert.json), { userId: cert.userId as string })).resolves.toBeTruthy();
  });

  it('the message decrypts through our receiving path from the share in the file', async () => {
    const m = file.message;
    const inbound = await InboundSenderKey.fromShare({
      conversationId: m.conversationId as string,
      epoch: m.epoch as number,
      senderUserId: m.senderUserId as string,
      senderDeviceId: m.senderDeviceId as string,
      chainIndex: 0,
      chainKey: h(m.chainKey),
      signingPublicKey: h(m.senderKeySigningPublicKey),
    });
    const env = m.envelope as Required<EnvelopeV1>;
    const routed = { conversationId: env.conversationId, messageId: env.messageId, senderUserId: m.senderUserId as string, senderDeviceId: env.senderDeviceId };
    expect((await inbound.decrypt(env, routed)).payload).toEqual(m.payload);
    const linked = file.linkedMessage.envelope;
    expect((await inbound.decrypt(linked, { ...routed, messageId: linked.messageId })).payload).toEqual(file.linkedMessage.payload);
  });

  it('the link: the second message names the first one\'s digest (SHA-256 of signed bytes and signature)', () => {
    const m = file.message;
    const l = file.linkedMessage;
    expect(m.prev).toBe('00'.repeat(32));
    const digest = createHash('sha256').update(h(m.signedBytes)).update(h(m.signature)).digest('hex');
    expect(l.prev).toBe(digest);
    expect(Buffer.from(h(l.header)).subarray(-32).toString('hex')).toBe(digest);
    expect(l.envelope.prev).toBe(Buffer.from(digest, 'hex').toString('base64url'));
  });

  it('node:crypto agrees: AES-GCM with the message key, ECDH, HKDF and the distribution ciphertext', () => {
    const m = file.message;
    const gcm = (key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) => {
      const c = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
      return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]).toString('hex');
    };
    expect(gcm(h(m.messageKey), h(m.iv), h(m.header), h(m.paddedPlaintext))).toBe(m.ciphertext);
    const l = file.linkedMessage;
    expect(gcm(h(l.messageKey), h(l.iv), h(l.header), h(l.paddedPlaintext))).toBe(l.ciphertext);
    expect(Buffer.from(h(m.paddedPlaintext)).subarray(0, (m.encodedPayload as string).length).toString()).not.toBe('');
    const d = file.senderKeyDistribution;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(h(d.ephemeralPrivateScalar));
    expect(ecdh.getPublicKey('hex')).toBe(d.ephemeralPublicKey);
    expect(ecdh.computeSecret(h((d.recipient as Obj).ecdhPublicKey)).toString('hex')).toBe(d.ecdhSecret);
    expect(Buffer.from(hkdfSync('sha256', h(d.ecdhSecret), new Uint8Array(0), h(d.header), 32)).toString('hex')).toBe(d.key);
    expect(gcm(h(d.key), h(d.iv), h(d.header), h(d.body))).toBe(d.ciphertext);
  });

  it('the distribution opens with the recipient device key into the message sender key', async () => {
    const d = file.senderKeyDistribution;
    const cert = file.deviceCertificate;
    const r = d.recipient as Obj;
    const recipient = { userId: r.userId as string, deviceId: r.deviceId as string, ecdh: await importP256PrivateScalar(h(r.ecdhPrivateScalar), 'ECDH'), signing: await importP256PrivateScalar(h(cert.signingPrivateScalar), 'ECDSA') };
    const sender = await verifyDeviceCertificate(h(cert.identityPublicKey), deviceCertificateFromJson(cert.json));
    const share = await openSenderKeyDistribution(d.blob as string, recipient, sender);
    expect(Buffer.from(share.chainKey).toString('hex')).toBe(file.message.chainKey);
    expect(Buffer.from(share.signingPublicKey).toString('hex')).toBe(file.message.senderKeySigningPublicKey);
  });

  it('the safety number: both QR payloads match each other and the digits are what we compute', async () => {
    const s = file.safetyNumber;
    const a = s.alice as Obj;
    const b = s.bob as Obj;
    const ours = await computeSafetyNumber({ userId: a.userId as string, identityPublicKey: h(a.identityPublicKey) }, { userId: b.userId as string, identityPublicKey: h(b.identityPublicKey) });
    expect(ours.digits).toBe(s.digits);
    expect(compareScannedSafetyNumber(ours, h(s.qrPayloadBob))).toBe('match');
    expect((s.digits as string).slice(0, 30) <= (s.digits as string).slice(30)).toBe(true);
  });

  it('the backup opens with the recovery key text, and node:crypto opens it from the listed values', async () => {
    const k = file.keyBackup;
    const contents = await openKeyBackup(JSON.stringify(k.blob), { recoveryKey: k.recoveryKeyText as string });
    const identity = await importIdentityKeyFromBackup(contents.identity);
    expect(Buffer.from(identity.publicKeyRaw).toString('hex')).toBe((file.safetyNumber.bob as Obj).identityPublicKey);
    const slot = k.recoveryKeySlot as Obj;
    const blob = k.blob as { slots: Obj[]; iv: string; ct: string };
    const kek = Buffer.from(hkdfSync('sha256', h(k.recoveryKey), h(slot.salt), h(slot.hkdfInfo), 32));
    expect(kek.toString('hex')).toBe(slot.kek);
    const open = (key: Uint8Array, iv: Uint8Array, aad: Uint8Array, b64: string) => {
      const ct = Buffer.from(b64, 'base64url');
      const dec = createDecipheriv('aes-256-gcm', key, iv).setAAD(aad).setAuthTag(ct.subarray(-16));
      return Buffer.concat([dec.update(ct.subarray(0, -16)), dec.final()]);
    };
    const dataKey = open(kek, h(slot.iv), h(slot.additionalData), blob.slots[0]!.wrappedKey as string);
    expect(dataKey.toString('hex')).toBe(k.dataKey);
    expect(open(dataKey, h(k.contentsIv), h(k.contentsAdditionalData), blob.ct).toString()).toBe(k.contents);
  });
});
