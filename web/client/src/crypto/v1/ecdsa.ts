/**
 * ECDSA P-256 with SHA-256. Signatures are IEEE P1363 (r || s, 32 bytes each, 64 in all), Web Crypto's format;
 * anything of another length is refused without being parsed (no DER, no trailing bytes, no short forms).
 * Web Crypto signs with a random nonce and does not normalise s, so a signature is not unique: never use one as an
 * identifier or deduplication key.
 */
import { assertKey, inputBytes, subtle, type Bytes, type ExpectedKey } from './webcrypto';

export const ECDSA_P256_SIGNATURE_BYTES = 64;

const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
const SIGNING_KEY: ExpectedKey = { type: 'private', name: 'ECDSA', namedCurve: 'P-256', usage: 'sign' };
const VERIFYING_KEY: ExpectedKey = { type: 'public', name: 'ECDSA', namedCurve: 'P-256', usage: 'verify' };

/** Sign `data` with a (non-extractable) ECDSA P-256 private key; returns the 64-byte P1363 signature. */
export async function signEcdsaP256(privateKey: CryptoKey, data: Uint8Array): Promise<Bytes> {
  assertKey(privateKey, SIGNING_KEY, 'ECDSA private key');
  const signature = new Uint8Array(await subtle().sign(ECDSA_SHA256, privateKey, inputBytes(data, 'signed data')));
  if (signature.length !== ECDSA_P256_SIGNATURE_BYTES) throw new Error('Web Crypto returned a signature that is not 64 bytes');
  return signature;
}

/**
 * Whether `signature` is a valid P1363 signature of `data` under `publicKey` (imported with algorithm "ECDSA",
 * which validated the point). A forged or malformed signature, including every length other than 64 bytes, gives
 * false, never an exception; only a key of the wrong kind throws (CryptoParameterError).
 */
export async function verifyEcdsaP256(publicKey: CryptoKey, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  assertKey(publicKey, VERIFYING_KEY, 'ECDSA public key');
  const sig = inputBytes(signature, 'signature');
  if (sig.length !== ECDSA_P256_SIGNATURE_BYTES) return false;
  try {
    return await subtle().verify(ECDSA_SHA256, publicKey, sig, inputBytes(data, 'signed data'));
  } catch {
    return false;
  }
}
