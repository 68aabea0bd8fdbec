/** Shared plumbing of the v1 primitives: the Web Crypto handle, byte copies and key checks. */
import { CryptoParameterError } from './errors';

/** Bytes backed by a plain ArrayBuffer: what Web Crypto accepts and what every v1 primitive returns. */
export type Bytes = Uint8Array<ArrayBuffer>;

let cachedSubtle: SubtleCrypto | undefined;

/** `globalThis.crypto.subtle`, or a clear failure where Web Crypto is missing (an insecure browser context). */
export function subtle(): SubtleCrypto {
  if (cachedSubtle) return cachedSubtle;
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('Web Crypto (crypto.subtle) is not available; a secure context (https) is required');
  return (cachedSubtle = s);
}

/**
 * A private copy of caller bytes, for bytes a module keeps (a chain key in its state, a key in a record): a caller
 * that later reuses its buffer cannot change them. It also normalises SharedArrayBuffer-backed views.
 */
export function ownBytes(bytes: Uint8Array, what: string): Bytes {
  if (!(bytes instanceof Uint8Array)) throw new CryptoParameterError(`${what} must be a Uint8Array`);
  return new Uint8Array(bytes);
}

/**
 * Caller bytes handed straight to a Web Crypto call, checked but not copied: Web Crypto takes its own copy of every
 * BufferSource argument (algorithm members such as an IV included) before the call returns (W3C Web Cryptography
 * API, "get a copy of the buffer source"; Node copies the bytes of every asynchronous crypto job), so a caller
 * that reuses its buffer afterwards changes nothing. Views over a SharedArrayBuffer are copied (Web Crypto
 * refuses them).
 */
export function inputBytes(bytes: Uint8Array, what: string): Bytes {
  if (!(bytes instanceof Uint8Array)) throw new CryptoParameterError(`${what} must be a Uint8Array`);
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Bytes) : new Uint8Array(bytes);
}

/** `inputBytes` that also insists on an exact length. */
export function inputBytesOfLength(bytes: Uint8Array, length: number, what: string): Bytes {
  const checked = inputBytes(bytes, what);
  if (checked.length !== length) throw new CryptoParameterError(`${what} must be ${length} bytes`);
  return checked;
}

/** `ownBytes` that also insists on an exact length. */
export function ownBytesOfLength(bytes: Uint8Array, length: number, what: string): Bytes {
  const copy = ownBytes(bytes, what);
  if (copy.length !== length) throw new CryptoParameterError(`${what} must be ${length} bytes`);
  return copy;
}

/** Throws unless `value` is an integer in [min, max]. */
export function assertIntegerInRange(value: number, min: number, max: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new CryptoParameterError(`${what} must be an integer from ${min} to ${max}`);
  }
}

export interface ExpectedKey {
  type: KeyType;
  name: string;
  /** Omitted for ECDH public keys, which carry no usages. */
  usage?: KeyUsage;
  namedCurve?: string;
  length?: number;
  hash?: string;
}

/**
 * Keys already found to match an expectation, per expectation object. A CryptoKey's type, algorithm and usages
 * never change, and reading them is not free in browsers, so hot paths pass a constant expectation (module-level
 * object) and each key is inspected once. Weak on both sides: nothing is kept alive by this cache.
 */
const matchedKeys = new WeakMap<ExpectedKey, WeakSet<CryptoKey>>();

/**
 * Refuse a CryptoKey of the wrong kind before Web Crypto sees it, so a 128-bit AES key, an ECDSA key given to ECDH
 * or a public key given where a private one belongs fails with one clear error instead of being used.
 */
export function assertKey(key: CryptoKey, expected: ExpectedKey, what: string): void {
  const matched = matchedKeys.get(expected);
  if (matched?.has(key)) return;
  checkKey(key, expected, what);
  if (matched) matched.add(key);
  else matchedKeys.set(expected, new WeakSet([key]));
}

/**
 * Record that `key` matches `expected` without inspecting it: for a key this module imported a moment ago with
 * exactly that algorithm and usage (a per-message AES or HMAC key would otherwise be inspected on first use).
 */
export function markKeyMatches(key: CryptoKey, ...expected: ExpectedKey[]): CryptoKey {
  for (const e of expected) {
    const matched = matchedKeys.get(e);
    if (matched) matched.add(key);
    else matchedKeys.set(e, new WeakSet([key]));
  }
  return key;
}

function checkKey(key: CryptoKey, expected: ExpectedKey, what: string): void {
  if (typeof CryptoKey !== 'undefined' && !(key instanceof CryptoKey)) throw new CryptoParameterError(`${what} must be a CryptoKey`);
  const alg = key.algorithm as KeyAlgorithm & { namedCurve?: string; length?: number; hash?: KeyAlgorithm };
  const ok =
    key.type === expected.type &&
    alg.name === expected.name &&
    (expected.namedCurve === undefined || alg.namedCurve === expected.namedCurve) &&
    (expected.length === undefined || alg.length === expected.length) &&
    (expected.hash === undefined || alg.hash?.name === expected.hash) &&
    (expected.usage === undefined || key.usages.includes(expected.usage));
  if (!ok) {
    const shape = [expected.type, expected.name, expected.hash, expected.namedCurve, expected.length && `${expected.length}-bit`].filter(Boolean).join(' ');
    throw new CryptoParameterError(`${what} must be a ${shape} key${expected.usage ? ` usable for ${expected.usage}` : ''}`);
  }
}
