/**
 * HMAC-SHA-256: keys of at least 16 bytes, full 32-byte tags only. Verification goes through Web Crypto's
 * `verify`, which compares in constant time; never compare tags with `===` or a byte loop.
 */
import { assertIntegerInRange, assertKey, inputBytes, markKeyMatches, subtle, type Bytes, type ExpectedKey } from './webcrypto';

export const HMAC_SHA256_BYTES = 32;
/** Keys shorter than 128 bits are refused (RFC 2104 discourages keys shorter than the hash output). */
export const HMAC_MIN_KEY_BYTES = 16;
/** Longer keys are hashed first (RFC 2104), so nothing is gained past one block; this only bounds the input. */
const HMAC_MAX_KEY_BYTES = 1024;

const HMAC_SHA256 = { name: 'HMAC', hash: 'SHA-256' } as const;
const SIGNING_KEY: ExpectedKey = { type: 'secret', name: 'HMAC', hash: 'SHA-256', usage: 'sign' };
const VERIFYING_KEY: ExpectedKey = { type: 'secret', name: 'HMAC', hash: 'SHA-256', usage: 'verify' };

/** Import raw key bytes as a non-extractable HMAC-SHA-256 key for signing and verifying. */
export async function importHmacSha256Key(raw: Uint8Array): Promise<CryptoKey> {
  const key = inputBytes(raw, 'HMAC key');
  assertIntegerInRange(key.length, HMAC_MIN_KEY_BYTES, HMAC_MAX_KEY_BYTES, 'HMAC key length');
  return markKeyMatches(await subtle().importKey('raw', key, HMAC_SHA256, false, ['sign', 'verify']), SIGNING_KEY, VERIFYING_KEY);
}

/** The 32-byte HMAC-SHA-256 tag of `data`. */
/**
 * HMAC-SHA-256 of each of `messages` under one raw key, imported once for these calls only (never handed out, so
 * it needs none of the key-kind bookkeeping of `importHmacSha256Key`). The HMACs run concurrently.
 */
export async function hmacSha256Each(rawKey: Uint8Array, messages: readonly Uint8Array[]): Promise<Bytes[]> {
  const raw = inputBytes(rawKey, 'HMAC key');
  assertIntegerInRange(raw.length, HMAC_MIN_KEY_BYTES, HMAC_MAX_KEY_BYTES, 'HMAC key length');
  const key = await subtle().importKey('raw', raw, HMAC_SHA256, false, ['sign']);
  const tags = await Promise.all(messages.map((m) => subtle().sign(HMAC_SHA256, key, inputBytes(m, 'HMAC data'))));
  return tags.map((t) => new Uint8Array(t));
}

export async function hmacSha256(key: CryptoKey, data: Uint8Array): Promise<Bytes> {
  assertKey(key, SIGNING_KEY, 'HMAC key');
  return new Uint8Array(await subtle().sign(HMAC_SHA256, key, inputBytes(data, 'HMAC data')));
}

/** Whether `tag` is the HMAC-SHA-256 of `data`; false for any tag that is not exactly 32 bytes (no truncation). */
export async function verifyHmacSha256(key: CryptoKey, data: Uint8Array, tag: Uint8Array): Promise<boolean> {
  assertKey(key, VERIFYING_KEY, 'HMAC key');
  const t = inputBytes(tag, 'HMAC tag');
  if (t.length !== HMAC_SHA256_BYTES) return false;
  return subtle().verify(HMAC_SHA256, key, t, inputBytes(data, 'HMAC data'));
}
