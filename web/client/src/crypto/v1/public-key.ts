/**
 * Public keys that cross the network: P-256 points as the 65-byte uncompressed encoding (0x04 || X || Y) or as a
 * JWK. Both forms are checked here (length, prefix, canonical coordinates, on-curve) before Web Crypto sees them,
 * and Web Crypto checks again on import. SPKI is deliberately not accepted: Node 20's importer takes some invalid
 * SPKI keys (explicit curve parameters), so we never hand it network SPKI at all.
 */
import { fromBase64Url, toBase64Url } from '../base64url';
import { CryptoParameterError, InvalidPublicKeyError } from './errors';
import { bytesToBigInt, isOnP256, P256_FIELD_BYTES } from './p256';
import { subtle, type Bytes } from './webcrypto';

/** What a P-256 key is for; it decides the Web Crypto algorithm and the usages of an imported key. */
export type P256Algorithm = 'ECDH' | 'ECDSA';

/** Length of an uncompressed P-256 point: 0x04 || X (32) || Y (32). */
export const P256_RAW_PUBLIC_KEY_BYTES = 65;

/** The public JWK we emit and accept (other public members such as `kid` are ignored on input). */
export interface P256PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/** JWK members that only a private or symmetric key has; their presence means someone sent a secret. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Usages of an imported public key: ECDH public keys take part in deriveBits as the peer, so they have none. */
export function publicKeyUsages(algorithm: P256Algorithm): KeyUsage[] {
  return algorithm === 'ECDSA' ? ['verify'] : [];
}

/**
 * Check an uncompressed point and return a private copy of it. Rejects wrong lengths, compressed points (0x02,
 * 0x03), the hybrid form, coordinates >= p and points not on the curve (invalid-curve attacks).
 */
export function validateRawP256PublicKey(raw: Uint8Array): Bytes {
  if (!(raw instanceof Uint8Array)) throw new InvalidPublicKeyError('public key must be bytes');
  if (raw.length !== P256_RAW_PUBLIC_KEY_BYTES) throw new InvalidPublicKeyError(`public key must be ${P256_RAW_PUBLIC_KEY_BYTES} bytes`);
  if (raw[0] !== 0x04) throw new InvalidPublicKeyError('public key must be an uncompressed point (0x04 prefix)');
  const copy = new Uint8Array(raw);
  const x = bytesToBigInt(copy.subarray(1, 1 + P256_FIELD_BYTES));
  const y = bytesToBigInt(copy.subarray(1 + P256_FIELD_BYTES));
  if (!isOnP256(x, y)) throw new InvalidPublicKeyError('public key is not a point on P-256');
  return copy;
}

/** Import a network public key given as a 65-byte uncompressed point. Every failure is an InvalidPublicKeyError. */
export async function importP256PublicKey(raw: Uint8Array, algorithm: P256Algorithm): Promise<CryptoKey> {
  const point = validateRawP256PublicKey(raw);
  try {
    return await subtle().importKey('raw', point, { name: algorithm, namedCurve: 'P-256' }, true, publicKeyUsages(algorithm));
  } catch (err) {
    throw new InvalidPublicKeyError('public key was refused by Web Crypto', { cause: err });
  }
}

/**
 * The uncompressed point of a public P-256 JWK, validated: `kty` "EC", `crv` "P-256", `x` and `y` canonical
 * unpadded base64url of exactly 32 bytes each, and no private member (`d` and friends). The caller's object is
 * never passed to Web Crypto; we rebuild the key from the checked coordinates.
 */
export function rawFromP256PublicJwk(jwk: unknown): Bytes {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new InvalidPublicKeyError('JWK must be an object');
  const j = jwk as Record<string, unknown>;
  if (PRIVATE_JWK_MEMBERS.some((m) => m in j)) throw new InvalidPublicKeyError('a public JWK must not contain private key members');
  if (j.kty !== 'EC') throw new InvalidPublicKeyError('JWK kty must be "EC"');
  if (j.crv !== 'P-256') throw new InvalidPublicKeyError('JWK crv must be "P-256"');
  const raw = new Uint8Array(P256_RAW_PUBLIC_KEY_BYTES);
  raw[0] = 0x04;
  raw.set(jwkCoordinate(j.x, 'x'), 1);
  raw.set(jwkCoordinate(j.y, 'y'), 1 + P256_FIELD_BYTES);
  return validateRawP256PublicKey(raw);
}

function jwkCoordinate(value: unknown, name: 'x' | 'y'): Uint8Array {
  if (typeof value !== 'string') throw new InvalidPublicKeyError(`JWK ${name} must be a string`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(value);
  } catch (err) {
    throw new InvalidPublicKeyError(`JWK ${name} is not canonical base64url`, { cause: err });
  }
  if (bytes.length !== P256_FIELD_BYTES) throw new InvalidPublicKeyError(`JWK ${name} must encode ${P256_FIELD_BYTES} bytes`);
  return bytes;
}

/** Import a network public key given as a JWK (see `rawFromP256PublicJwk` for what is accepted). */
export async function importP256PublicKeyJwk(jwk: unknown, algorithm: P256Algorithm): Promise<CryptoKey> {
  return importP256PublicKey(rawFromP256PublicJwk(jwk), algorithm);
}

/** The 65-byte uncompressed point of a P-256 public key (what we publish). */
export async function exportP256PublicKey(publicKey: CryptoKey): Promise<Bytes> {
  const alg = publicKey.algorithm as EcKeyAlgorithm;
  if (publicKey.type !== 'public' || (alg.name !== 'ECDH' && alg.name !== 'ECDSA') || alg.namedCurve !== 'P-256') {
    throw new CryptoParameterError('a P-256 public key is required');
  }
  return new Uint8Array(await subtle().exportKey('raw', publicKey));
}

/** The public JWK of a P-256 public key, with exactly the members `P256PublicJwk` names. */
export async function exportP256PublicKeyJwk(publicKey: CryptoKey): Promise<P256PublicJwk> {
  const raw = await exportP256PublicKey(publicKey);
  return {
    kty: 'EC',
    crv: 'P-256',
    x: toBase64Url(raw.subarray(1, 1 + P256_FIELD_BYTES)),
    y: toBase64Url(raw.subarray(1 + P256_FIELD_BYTES)),
  };
}
