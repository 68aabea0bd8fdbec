/**
 * A user's identity key and a device's own keys.
 *
 * - Identity key: ECDSA P-256, one per user, signs device certificates; its public key is what safety numbers
 *   cover. It is the only private key that may be created extractable, and only so the key-backup path can put
 *   it into an encrypted backup (`exportIdentityKeyForBackup`). Anything else keeps it non-extractable.
 * - Device keys: an ECDH P-256 key (sender-key distributions are encrypted to it) and an ECDSA P-256 key (it signs
 *   the distributions this device sends), both non-extractable, certified by the identity key.
 */
import { fromBase64Url } from '../base64url';
import { bytesEqual, canonicalUuid } from './bytes';
import { signDeviceCertificate, type DeviceCertificate } from './device-certificate';
import { CryptoParameterError } from './errors';
import { generateEcdhKeyPair, generateEcdsaKeyPair, importP256PrivateScalar, type P256KeyPair } from './key-pair';
import { subtle, type Bytes } from './webcrypto';

/** A fresh identity key pair. `extractable: true` only when the user turns on key backup. */
export function generateIdentityKeyPair(options: { extractable?: boolean } = {}): Promise<P256KeyPair> {
  return generateEcdsaKeyPair({ extractable: options.extractable ?? false });
}

/** This device: ids, its two key pairs and the certificate that binds them to the user's identity key. */
export interface LocalDevice {
  readonly userId: string;
  readonly deviceId: string;
  readonly ecdh: P256KeyPair;
  readonly signing: P256KeyPair;
  readonly certificate: DeviceCertificate;
}

/** Create a device's ECDH and signing key pairs (non-extractable) and certify them with the identity key. */
export async function createLocalDevice(identityPrivateKey: CryptoKey, ids: { userId: string; deviceId: string }, now: number = Date.now()): Promise<LocalDevice> {
  const userId = canonicalUuid(ids.userId, 'user id');
  const deviceId = canonicalUuid(ids.deviceId, 'device id');
  const ecdh = await generateEcdhKeyPair();
  const signing = await generateEcdsaKeyPair();
  const certificate = await signDeviceCertificate(identityPrivateKey, {
    userId,
    deviceId,
    ecdhPublicKey: ecdh.publicKeyRaw,
    signingPublicKey: signing.publicKeyRaw,
    createdAt: now,
  });
  return { userId, deviceId, ecdh, signing, certificate };
}

/** The identity key as it goes into a backup: the 32-byte private scalar and the public point. */
export interface IdentityKeyExport {
  privateScalar: Bytes;
  publicKey: Bytes;
}

/**
 * Read the identity private scalar, for `createKeyBackup` only. Requires a key pair created with
 * `extractable: true`; a non-extractable key (the default) throws CryptoParameterError.
 */
export async function exportIdentityKeyForBackup(identity: P256KeyPair): Promise<IdentityKeyExport> {
  if (!identity.privateKey.extractable) throw new CryptoParameterError('the identity key is not extractable; create it with extractable: true to back it up');
  const jwk = await subtle().exportKey('jwk', identity.privateKey);
  const privateScalar = fromBase64Url(jwk.d ?? '');
  if (privateScalar.length !== 32) throw new CryptoParameterError('Web Crypto returned an unexpected private key');
  return { privateScalar, publicKey: new Uint8Array(identity.publicKeyRaw) };
}

/** Rebuild an identity key pair from a backup, checking that the scalar gives the recorded public key. */
export async function importIdentityKeyFromBackup(exported: IdentityKeyExport, options: { extractable?: boolean } = {}): Promise<P256KeyPair> {
  const pair = await importP256PrivateScalar(exported.privateScalar, 'ECDSA', { extractable: options.extractable ?? false });
  if (!bytesEqual(pair.publicKeyRaw, exported.publicKey)) throw new CryptoParameterError('the backed-up identity key does not match its public key');
  return pair;
}
