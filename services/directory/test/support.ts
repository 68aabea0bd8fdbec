import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createLogger } from '@cipherlink/kit';
import { loadDirectoryConfig } from '../src';
import { deviceCertificateBytes } from '../src/domain/device-certificate';

/** Shared bits of the directory's integration tests (real PostgreSQL `cipherlink_test` and NATS). */
export const logger = createLogger({ name: 'directory-test', level: 'silent' });
export const config = loadDirectoryConfig(process.env);

/** A unique, valid username for this run. */
export const uniqueUsername = () => `u${randomUUID().replace(/-/g, '').slice(0, 20)}`;

/** Poll `probe` until it yields a value. */
export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A syntactically valid raw P-256 public key (65 bytes, base64url); the server stores it opaquely. */
export const fakePublicKey = () => Buffer.concat([Buffer.from([4]), Buffer.from(randomUUID().repeat(2)).subarray(0, 64)]).toString('base64url');

/** A P-256 key pair as the client holds it: raw public point (base64url) and the private key (tests sign with it). */
export function p256Pair(): { publicKey: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const raw = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return { publicKey: raw.toString('base64url'), privateKey };
}

/** A v1 device registration body for `userId`, certified by `identity` (as the client's signDeviceCertificate does). */
export function certifiedDevice(userId: string, identity: { privateKey: KeyObject }, deviceId: string = randomUUID()) {
  const ecdhKey = p256Pair().publicKey;
  const signingKey = p256Pair().publicKey;
  const certifiedAt = Date.now();
  const bytes = deviceCertificateBytes({ userId, deviceId, ecdhKey: Buffer.from(ecdhKey, 'base64url'), signingKey: Buffer.from(signingKey, 'base64url'), certifiedAt });
  const certificate = sign('sha256', bytes, { key: identity.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return { deviceId, ecdhKey, signingKey, certificate, certifiedAt };
}
