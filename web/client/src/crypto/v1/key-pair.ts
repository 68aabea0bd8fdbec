/**
 * P-256 key pairs for ECDH (device and ephemeral keys) and ECDSA (signing keys). Private keys are created
 * non-extractable: script can use them, and IndexedDB can store them by structured clone, but their bytes cannot
 * be read. `extractable: true` exists only for the future key-backup path and must not be used elsewhere.
 */
import { fromBase64Url } from '../base64url';
import { CryptoParameterError } from './errors';
import { bytesToBigInt, isValidP256Scalar, P256_FIELD_BYTES } from './p256';
import { importP256PublicKey, P256_RAW_PUBLIC_KEY_BYTES, publicKeyUsages, type P256Algorithm } from './public-key';
import { isTestRandomSourceActive, randomBytes } from './random';
import { ownBytesOfLength, subtle, type Bytes } from './webcrypto';

export interface P256KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The uncompressed point (65 bytes) to publish. */
  publicKeyRaw: Bytes;
}

export interface KeyPairOptions {
  /** Default false. True only for the key-backup path, which has to wrap the private key. */
  extractable?: boolean;
}

/** PKCS#8 PrivateKeyInfo for a P-256 ECPrivateKey without the optional public key; the 32-byte scalar follows. */
const PKCS8_P256_PREFIX = Uint8Array.from([
  0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
  0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
]);

function privateKeyUsages(algorithm: P256Algorithm): KeyUsage[] {
  return algorithm === 'ECDSA' ? ['sign'] : ['deriveBits'];
}

/** A fresh ECDH P-256 key pair (private key usable for deriveBits only). */
export function generateEcdhKeyPair(options: KeyPairOptions = {}): Promise<P256KeyPair> {
  return generateP256KeyPair('ECDH', options);
}

/** A fresh ECDSA P-256 key pair (private key usable for sign only). */
export function generateEcdsaKeyPair(options: KeyPairOptions = {}): Promise<P256KeyPair> {
  return generateP256KeyPair('ECDSA', options);
}

async function generateP256KeyPair(algorithm: P256Algorithm, options: KeyPairOptions): Promise<P256KeyPair> {
  const extractable = options.extractable ?? false;
  if (isTestRandomSourceActive()) return deterministicKeyPair(algorithm, extractable);
  const pair = await subtle().generateKey({ name: algorithm, namedCurve: 'P-256' }, extractable, [
    ...privateKeyUsages(algorithm),
    ...publicKeyUsages(algorithm),
  ]);
  const publicKeyRaw = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, publicKeyRaw };
}

/** Test path: the scalar comes from the installed test random source, rejection-sampled into [1, n). */
async function deterministicKeyPair(algorithm: P256Algorithm, extractable: boolean): Promise<P256KeyPair> {
  for (;;) {
    const scalar = randomBytes(P256_FIELD_BYTES);
    if (isValidP256Scalar(bytesToBigInt(scalar))) return importP256PrivateScalar(scalar, algorithm, { extractable });
  }
}

/**
 * Build a key pair from a 32-byte big-endian private scalar (1 <= d < n). Used by the deterministic test path and
 * by tests that replay published vectors; the public point is computed by Web Crypto, not by us.
 * Web Crypto cannot derive the public key of a non-extractable private key, so the scalar is first imported
 * extractable (PKCS#8 without public key), its JWK read for x and y, and then imported again as asked.
 */
export async function importP256PrivateScalar(scalar: Uint8Array, algorithm: P256Algorithm, options: KeyPairOptions = {}): Promise<P256KeyPair> {
  const d = ownBytesOfLength(scalar, P256_FIELD_BYTES, 'private scalar');
  if (!isValidP256Scalar(bytesToBigInt(d))) throw new CryptoParameterError('private scalar must be in [1, n)');
  const s = subtle();
  const params = { name: algorithm, namedCurve: 'P-256' };
  const pkcs8 = new Uint8Array(PKCS8_P256_PREFIX.length + P256_FIELD_BYTES);
  pkcs8.set(PKCS8_P256_PREFIX);
  pkcs8.set(d, PKCS8_P256_PREFIX.length);
  const temporary = await s.importKey('pkcs8', pkcs8, params, true, privateKeyUsages(algorithm));
  const jwk = await s.exportKey('jwk', temporary);
  pkcs8.fill(0);
  const privateKey = await s.importKey('jwk', jwk, params, options.extractable ?? false, privateKeyUsages(algorithm));
  const publicKeyRaw = new Uint8Array(P256_RAW_PUBLIC_KEY_BYTES);
  publicKeyRaw[0] = 0x04;
  publicKeyRaw.set(fromJwkCoordinate(jwk.x), 1);
  publicKeyRaw.set(fromJwkCoordinate(jwk.y), 1 + P256_FIELD_BYTES);
  const publicKey = await importP256PublicKey(publicKeyRaw, algorithm);
  return { privateKey, publicKey, publicKeyRaw };
}

function fromJwkCoordinate(value: string | undefined): Uint8Array {
  const bytes = fromBase64Url(value ?? '');
  if (bytes.length !== P256_FIELD_BYTES) throw new CryptoParameterError('Web Crypto returned an unexpected JWK coordinate');
  return bytes;
}
