import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  deviceCertificateBytes,
  deviceCertificateFromJson,
  deviceCertificateToJson,
  signDeviceCertificate,
  verifyDeviceCertificate,
  type DeviceCertificate,
} from './device-certificate';
import { InvalidDeviceCertificateError } from './errors';
import { createLocalDevice, generateIdentityKeyPair } from './identity';
import { generateEcdsaKeyPair } from './key-pair';

async function setup() {
  const userId = randomUUID();
  const identity = await generateIdentityKeyPair();
  const device = await createLocalDevice(identity.privateKey, { userId, deviceId: randomUUID() }, 1_764_000_000_000);
  return { userId, identity, device, cert: device.certificate };
}

async function failure(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'accepted',
    (e: unknown) => (e instanceof InvalidDeviceCertificateError ? e.message : `unexpected ${String(e)}`),
  );
}

describe('device certificates', () => {
  it('a certificate signed by the identity key verifies and yields the device keys, imported', async () => {
    const { userId, identity, device, cert } = await setup();
    const v = await verifyDeviceCertificate(identity.publicKeyRaw, cert, { userId, deviceId: device.deviceId });
    expect(v.userId).toBe(userId);
    expect(v.deviceId).toBe(device.deviceId);
    expect(v.createdAt).toBe(1_764_000_000_000);
    expect(v.ecdhPublicKey.algorithm).toMatchObject({ name: 'ECDH', namedCurve: 'P-256' });
    expect(v.signingPublicKey.usages).toEqual(['verify']);
    expect(Buffer.from(v.ecdhPublicKeyRaw).equals(Buffer.from(device.ecdh.publicKeyRaw))).toBe(true);
    expect(Buffer.from(v.identityPublicKeyRaw).equals(Buffer.from(identity.publicKeyRaw))).toBe(true);
  });

  it('signed bytes: label, version, ids, both keys, u64 timestamp, fixed length', async () => {
    const { cert } = await setup();
    const bytes = deviceCertificateBytes(cert);
    const label = 'cipherlink/v1/device-certificate';
    expect(bytes.length).toBe(1 + label.length + 1 + 16 + 16 + 65 + 65 + 8);
    expect(Buffer.from(bytes.subarray(1, 1 + label.length)).toString()).toBe(label);
    expect(Buffer.from(bytes.subarray(-8)).readBigUInt64BE()).toBe(1_764_000_000_000n);
  });

  it('tampering with any field or the signature fails verification', async () => {
    const { identity, cert } = await setup();
    const other = await generateEcdsaKeyPair();
    const flip = (b: Uint8Array, i: number) => {
      const c = new Uint8Array(b);
      c[i]! ^= 1;
      return c;
    };
    const tampered: [string, DeviceCertificate][] = [
      ['userId', { ...cert, userId: randomUUID() }],
      ['deviceId', { ...cert, deviceId: randomUUID() }],
      ['createdAt', { ...cert, createdAt: cert.createdAt + 1 }],
      ['ecdhPublicKey', { ...cert, ecdhPublicKey: other.publicKeyRaw }],
      ['signingPublicKey', { ...cert, signingPublicKey: other.publicKeyRaw }],
      ['signature', { ...cert, signature: flip(cert.signature, 10) }],
      ['signature length', { ...cert, signature: cert.signature.subarray(0, 63) }],
    ];
    for (const [what, t] of tampered) expect([what, await failure(verifyDeviceCertificate(identity.publicKeyRaw, t))]).toEqual([what, 'the identity signature does not verify']);
  });

  it('a certificate verifies only under its own user identity key', async () => {
    const { cert } = await setup();
    const mallory = await generateIdentityKeyPair();
    expect(await failure(verifyDeviceCertificate(mallory.publicKeyRaw, cert))).toBe('the identity signature does not verify');
  });

  it('a device of another user or another id is refused even with a valid signature', async () => {
    const { identity, cert } = await setup();
    expect(await failure(verifyDeviceCertificate(identity.publicKeyRaw, cert, { userId: randomUUID() }))).toBe('the certificate is for another user');
    expect(await failure(verifyDeviceCertificate(identity.publicKeyRaw, cert, { deviceId: randomUUID() }))).toBe('the certificate is for another device');
  });

  it('invalid points (off the curve, compressed, wrong length) are refused before any signature check', async () => {
    const { identity, cert } = await setup();
    const offCurve = new Uint8Array(cert.ecdhPublicKey);
    offCurve[64]! ^= 1;
    const compressed = Uint8Array.of(0x02, ...cert.ecdhPublicKey.subarray(1, 33));
    for (const k of [offCurve, compressed, cert.ecdhPublicKey.subarray(0, 64)]) {
      expect(await failure(verifyDeviceCertificate(identity.publicKeyRaw, { ...cert, ecdhPublicKey: k }))).toBe('a key is not a valid P-256 point');
      expect(await failure(verifyDeviceCertificate(identity.publicKeyRaw, { ...cert, signingPublicKey: k }))).toBe('a key is not a valid P-256 point');
    }
    expect(await failure(verifyDeviceCertificate(offCurve, cert))).toBe('a key is not a valid P-256 point');
    expect(await failure(verifyDeviceCertificate(identity.publicKeyRaw, { ...cert, createdAt: -1 }))).toBe('the certificate is malformed');
  });

  it('the same point for ECDH and signing, or the identity key as device key, is refused', async () => {
    const { userId, identity, cert } = await setup();
    const reuse = { ...cert, signingPublicKey: identity.publicKeyRaw };
    const signed = await signDeviceCertificate(identity.privateKey, reuse);
    expect(await failure(verifyDeviceCertificate(identity.publicKeyRaw, signed))).toBe('a device key is reused for another purpose');
    await expect(signDeviceCertificate(identity.privateKey, { ...cert, userId, signingPublicKey: cert.ecdhPublicKey })).rejects.toThrow(InvalidDeviceCertificateError);
  });

  it('JSON form round-trips and is parsed strictly', async () => {
    const { identity, cert } = await setup();
    const json = deviceCertificateToJson(cert);
    const back = deviceCertificateFromJson(JSON.parse(JSON.stringify(json)));
    await expect(verifyDeviceCertificate(identity.publicKeyRaw, back)).resolves.toBeTruthy();
    const bad: unknown[] = [
      { ...json, v: 2 },
      { ...json, extra: 1 },
      { ...json, userId: 'x' },
      { ...json, createdAt: -1 },
      { ...json, createdAt: 1.5 },
      { ...json, sig: json.sig.slice(1) },
      { ...json, ecdhPublicKey: `${json.ecdhPublicKey}=` },
      null,
      [],
    ];
    for (const b of bad) expect(() => deviceCertificateFromJson(b)).toThrow(InvalidDeviceCertificateError);
  });
});
