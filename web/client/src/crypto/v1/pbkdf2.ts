/** PBKDF2-HMAC-SHA-256 through Web Crypto, for keys derived from something a person types (key backup). */
import { assertIntegerInRange, ownBytes, subtle, type Bytes } from './webcrypto';

/** Iterations for the key-backup passphrase: OWASP's current figure for PBKDF2-HMAC-SHA-256. */
export const MIN_BACKUP_ITERATIONS = 600_000;

/** Web Crypto counts iterations in an unsigned long. */
const MAX_ITERATIONS = 0xffff_ffff;
/** Far above any key we need; keeps byteLength * 8 inside Web Crypto's unsigned long. */
const MAX_OUTPUT_BYTES = 1024;

export interface Pbkdf2Params {
  /** At least 16 random bytes in real use; stored beside what the key protects. */
  salt: Uint8Array;
  /** The backup path passes MIN_BACKUP_ITERATIONS or more; this primitive only requires >= 1. */
  iterations: number;
  /** Output length in bytes, 1..1024. */
  byteLength: number;
}

/**
 * DK = PBKDF2(HMAC-SHA-256, password, salt, iterations, byteLength). The password is bytes: the caller decides
 * the text encoding and Unicode normalisation (and must apply the same ones when deriving again).
 */
export async function pbkdf2Sha256(password: Uint8Array, params: Pbkdf2Params): Promise<Bytes> {
  assertIntegerInRange(params.iterations, 1, MAX_ITERATIONS, 'PBKDF2 iterations');
  assertIntegerInRange(params.byteLength, 1, MAX_OUTPUT_BYTES, 'PBKDF2 output length');
  const salt = ownBytes(params.salt, 'PBKDF2 salt');
  const key = await subtle().importKey('raw', ownBytes(password, 'password'), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: params.iterations }, key, params.byteLength * 8);
  return new Uint8Array(bits);
}
