/**
 * AES-256-GCM with a 96-bit IV and a 128-bit tag, nothing else: other key sizes, IV lengths and tag lengths are
 * refused rather than negotiated. The IV is an explicit argument so protocol code states where it comes from;
 * `generateIv()` is the normal source. Never encrypt twice under one key with the same IV.
 */
import { AeadAuthenticationError } from './errors';
import { randomBytes } from './random';
import { assertKey, inputBytes, inputBytesOfLength, markKeyMatches, subtle, type Bytes, type ExpectedKey } from './webcrypto';

export const AES_GCM_KEY_BYTES = 32;
export const AES_GCM_IV_BYTES = 12;
export const AES_GCM_TAG_BYTES = 16;

export interface AesGcmKeyOptions {
  /** Default false. */
  extractable?: boolean;
}

const ENCRYPTING_KEY: ExpectedKey = { type: 'secret', name: 'AES-GCM', length: 256, usage: 'encrypt' };
const DECRYPTING_KEY: ExpectedKey = { type: 'secret', name: 'AES-GCM', length: 256, usage: 'decrypt' };

/** Import 32 raw key bytes (e.g. HKDF output) as a non-extractable AES-256-GCM key. */
export async function importAesGcmKey(raw: Uint8Array, options: AesGcmKeyOptions = {}): Promise<CryptoKey> {
  const key = inputBytesOfLength(raw, AES_GCM_KEY_BYTES, 'AES-256-GCM key');
  const imported = await subtle().importKey('raw', key, { name: 'AES-GCM', length: 256 }, options.extractable ?? false, ['encrypt', 'decrypt']);
  return markKeyMatches(imported, ENCRYPTING_KEY, DECRYPTING_KEY);
}

/** 12 fresh random bytes. */
export function generateIv(): Bytes {
  return randomBytes(AES_GCM_IV_BYTES);
}

export interface AesGcmEncryptParams {
  iv: Uint8Array;
  /** Every byte that the ciphertext must be bound to (protocol version, ids, header). May be empty, never omitted. */
  additionalData: Uint8Array;
  plaintext: Uint8Array;
}

export interface AesGcmDecryptParams {
  iv: Uint8Array;
  additionalData: Uint8Array;
  /** Ciphertext followed by the 16-byte tag, as `encryptAesGcm` returns it. */
  ciphertext: Uint8Array;
}

function gcmParams(key: CryptoKey, usage: 'encrypt' | 'decrypt', iv: Uint8Array, additionalData: Uint8Array): AesGcmParams {
  assertKey(key, usage === 'encrypt' ? ENCRYPTING_KEY : DECRYPTING_KEY, 'AES-GCM key');
  return {
    name: 'AES-GCM',
    iv: inputBytesOfLength(iv, AES_GCM_IV_BYTES, 'AES-GCM IV'),
    additionalData: inputBytes(additionalData, 'AES-GCM additional data'),
    tagLength: AES_GCM_TAG_BYTES * 8,
  };
}

/** Ciphertext || tag (plaintext length + 16 bytes). */
export async function encryptAesGcm(key: CryptoKey, params: AesGcmEncryptParams): Promise<Bytes> {
  const gcm = gcmParams(key, 'encrypt', params.iv, params.additionalData);
  return new Uint8Array(await subtle().encrypt(gcm, key, inputBytes(params.plaintext, 'plaintext')));
}

/** The plaintext, or AeadAuthenticationError when the tag does not verify (the cause is kept, never shown). */
export async function decryptAesGcm(key: CryptoKey, params: AesGcmDecryptParams): Promise<Bytes> {
  const gcm = gcmParams(key, 'decrypt', params.iv, params.additionalData);
  const ciphertext = inputBytes(params.ciphertext, 'ciphertext');
  if (ciphertext.length < AES_GCM_TAG_BYTES) throw new AeadAuthenticationError('ciphertext is shorter than the tag');
  try {
    return new Uint8Array(await subtle().decrypt(gcm, key, ciphertext));
  } catch (err) {
    throw new AeadAuthenticationError('AES-GCM authentication failed', { cause: err });
  }
}
