/** HKDF-SHA-256 (RFC 5869), extract-then-expand, through Web Crypto's HKDF deriveBits. */
import { assertIntegerInRange, ownBytes, subtle, type Bytes } from './webcrypto';

/** RFC 5869 caps the output at 255 blocks of the hash length: 255 * 32 = 8160 bytes. */
export const HKDF_SHA256_MAX_BYTES = 255 * 32;

export interface HkdfParams {
  /** Extract salt. Required so every call site decides; an empty array means RFC 5869's default (32 zero bytes). */
  salt: Uint8Array;
  /** Context: name the protocol, its version and the purpose (e.g. utf8("cipherlink/v1/...")). May be empty. */
  info: Uint8Array;
  /** Output length in bytes, 1..8160. */
  byteLength: number;
}

/**
 * OKM = HKDF-Expand(HKDF-Extract(salt, ikm), info, byteLength). The input keying material is imported as a
 * non-extractable HKDF key that lives only for this call.
 */
export async function hkdfSha256(ikm: Uint8Array, params: HkdfParams): Promise<Bytes> {
  assertIntegerInRange(params.byteLength, 1, HKDF_SHA256_MAX_BYTES, 'HKDF output length');
  const salt = ownBytes(params.salt, 'HKDF salt');
  const info = ownBytes(params.info, 'HKDF info');
  const key = await subtle().importKey('raw', ownBytes(ikm, 'HKDF input keying material'), 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await subtle().deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, params.byteLength * 8));
}
