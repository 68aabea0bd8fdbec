import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDeviceCertificate, deviceCertificateBytes } from './device-certificate';

const rawOf = (key: KeyObject) => {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
};
const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { raw: rawOf(publicKey), privateKey };
};
const userId = '8d2e4f60-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const deviceId = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';

function certified(overrides: { sign?: (bytes: Buffer) => Buffer } = {}) {
  const identity = pair();
  const ecdh = pair();
  const signing = pair();
  const fields = { userId, deviceId, ecdhKey: ecdh.raw.toString('base64url'), signingKey: signing.raw.toString('base64url'), certifiedAt: 1_795_700_000_123 };
  const bytes = deviceCertificateBytes({ ...fields, ecdhKey: ecdh.raw, signingKey: signing.raw });
  const signature = overrides.sign?.(bytes) ?? sign('sha256', bytes, { key: identity.privateKey, dsaEncoding: 'ieee-p1363' });
  return { identityKey: identity.raw.toString('base64url'), fields, certificate: signature.toString('base64url') };
}

describe('deviceCertificateBytes', () => {
  it('is the documented fixed-length layout (label, version, ids, keys, u64 ms)', () => {
    const ecdh = Buffer.alloc(65, 0xe0);
    const signing = Buffer.alloc(65, 0x5a);
    const bytes = deviceCertificateBytes({ userId: userId.toUpperCase(), deviceId, ecdhKey: ecdh, signingKey: signing, certifiedAt: 0x0102_0304_0506 });
    const label = 'cipherlink/v1/device-certificate';
    expect(bytes.length).toBe(1 + label.length + 1 + 16 + 16 + 65 + 65 + 8);
    expect(bytes[0]).toBe(label.length);
    expect(bytes.subarray(1, 1 + label.length).toString('ascii')).toBe(label);
    let at = 1 + label.length;
    expect(bytes[at++]).toBe(1);
    expect(bytes.subarray(at, at + 16).toString('hex')).toBe(userId.replace(/-/g, ''));
    at += 16;
    expect(bytes.subarray(at, at + 16).toString('hex')).toBe(deviceId.replace(/-/g, ''));
    at += 16;
    expect(bytes.subarray(at, at + 65).equals(ecdh)).toBe(true);
    expect(bytes.subarray(at + 65, at + 130).equals(signing)).toBe(true);
    expect(bytes.subarray(at + 130).toString('hex')).toBe('0000010203040506');
  });
});

describe('checkDeviceCertificate', () => {
  it('accepts a certificate signed by the identity key over the canonical bytes', () => {
    const c = certified();
    expect(checkDeviceCertificate(c.identityKey, c.fields, c.certificate)).toEqual({ ok: true });
  });

  it('refuses it under another identity key, or for other fields', () => {
    const c = certified();
    expect(checkDeviceCertificate(pair().raw.toString('base64url'), c.fields, c.certificate).ok).toBe(false);
    for (const changed of [
      { ...c.fields, certifiedAt: c.fields.certifiedAt + 1 },
      { ...c.fields, deviceId: '6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c' },
      { ...c.fields, userId: '9e3f5a71-2b3c-4d4e-9fa0-1b2c3d4e5f60' },
      { ...c.fields, ecdhKey: c.fields.signingKey, signingKey: c.fields.ecdhKey },
    ]) {
      expect(checkDeviceCertificate(c.identityKey, changed, c.certificate).ok).toBe(false);
    }
  });

  it('refuses a DER signature, a signature of other bytes and junk', () => {
    const identity = pair();
    const der = certified({ sign: (bytes) => sign('sha256', bytes, identity.privateKey) });
    expect(checkDeviceCertificate(identity.raw.toString('base64url'), der.fields, der.certificate).ok).toBe(false);
    const c = certified();
    expect(checkDeviceCertificate(c.identityKey, c.fields, Buffer.alloc(64).toString('base64url')).ok).toBe(false);
  });

  it('refuses keys that are not P-256 points and keys reused across purposes', () => {
    const c = certified();
    const offCurve = Buffer.from(c.fields.ecdhKey, 'base64url');
    offCurve[64]! ^= 1;
    expect(checkDeviceCertificate(c.identityKey, { ...c.fields, ecdhKey: offCurve.toString('base64url') }, c.certificate)).toMatchObject({ ok: false });
    const compressed = Buffer.from(c.fields.signingKey, 'base64url');
    compressed[0] = 2;
    expect(checkDeviceCertificate(c.identityKey, { ...c.fields, signingKey: compressed.toString('base64url') }, c.certificate)).toMatchObject({ ok: false });
    expect(checkDeviceCertificate(c.identityKey, { ...c.fields, signingKey: c.fields.ecdhKey }, c.certificate)).toMatchObject({
      ok: false,
      reason: 'a device key is reused for another purpose',
    });
    expect(checkDeviceCertificate(c.fields.ecdhKey, c.fields, c.certificate)).toMatchObject({ ok: false, reason: 'a device key is reused for another purpose' });
  });
});

describe('the protocol v1 test vector (docs/protocol-v1-vectors.json, written by the client)', () => {
  const vector = JSON.parse(readFileSync(new URL('../../../../docs/protocol-v1-vectors.json', import.meta.url), 'utf8')).deviceCertificate;
  const hex = (h: string) => Buffer.from(h, 'hex');
  const fields = {
    userId: vector.userId as string,
    deviceId: vector.deviceId as string,
    ecdhKey: hex(vector.ecdhPublicKey).toString('base64url'),
    signingKey: hex(vector.signingPublicKey).toString('base64url'),
    certifiedAt: vector.createdAt as number,
  };

  it('gives the same signed bytes as the client', () => {
    const bytes = deviceCertificateBytes({ ...fields, ecdhKey: hex(vector.ecdhPublicKey), signingKey: hex(vector.signingPublicKey) });
    expect(bytes.toString('hex')).toBe(vector.signedBytes);
  });

  it("accepts the client's certificate and refuses it for another device", () => {
    const identityKey = hex(vector.identityPublicKey).toString('base64url');
    const certificate = hex(vector.signature).toString('base64url');
    expect(checkDeviceCertificate(identityKey, fields, certificate)).toEqual({ ok: true });
    expect(checkDeviceCertificate(identityKey, { ...fields, deviceId: vector.userId }, certificate).ok).toBe(false);
  });
});
