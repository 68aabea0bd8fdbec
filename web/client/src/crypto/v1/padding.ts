/**
 * Plaintext padding to size buckets, so a ciphertext's length tells the server the bucket, not the exact length.
 *
 * Buckets: 256, 512, 1024, ..., 65,536 bytes (powers of two), then multiples of 65,536 up to MAX_PADDED_BYTES
 * (1 MiB). The content is followed by one 0x80 byte and zero bytes up to the smallest bucket that holds
 * content + 1 (ISO/IEC 7816-4 padding, as Signal pads). Unpadding accepts only that exact form: a bucket length,
 * the smallest one for the content, a 0x80 marker and nothing but zeros after it.
 */
import { InvalidPayloadError } from './errors';
import type { Bytes } from './webcrypto';

export const MIN_BUCKET_BYTES = 256;
/** Last power-of-two bucket; larger buckets are its multiples. */
export const LARGE_BUCKET_STEP_BYTES = 65_536;
export const MAX_PADDED_BYTES = 16 * LARGE_BUCKET_STEP_BYTES;
/** The longest content that fits: the largest bucket minus the marker byte. */
export const MAX_UNPADDED_BYTES = MAX_PADDED_BYTES - 1;

const MARKER = 0x80;

/** The padded size of `contentLength` content bytes (the smallest bucket >= contentLength + 1). */
export function paddedLength(contentLength: number): number {
  if (!Number.isSafeInteger(contentLength) || contentLength < 0 || contentLength > MAX_UNPADDED_BYTES) {
    throw new InvalidPayloadError(`content must be 0..${MAX_UNPADDED_BYTES} bytes`);
  }
  const needed = contentLength + 1;
  if (needed <= LARGE_BUCKET_STEP_BYTES) {
    let bucket = MIN_BUCKET_BYTES;
    while (bucket < needed) bucket *= 2;
    return bucket;
  }
  return Math.ceil(needed / LARGE_BUCKET_STEP_BYTES) * LARGE_BUCKET_STEP_BYTES;
}

/** Whether `length` is one of the bucket sizes. */
export function isBucketLength(length: number): boolean {
  if (!Number.isSafeInteger(length) || length < MIN_BUCKET_BYTES || length > MAX_PADDED_BYTES) return false;
  if (length <= LARGE_BUCKET_STEP_BYTES) return (length & (length - 1)) === 0;
  return length % LARGE_BUCKET_STEP_BYTES === 0;
}

/** content || 0x80 || 0x00... to the bucket size. */
export function padPlaintext(content: Uint8Array): Bytes {
  const out = new Uint8Array(paddedLength(content.length));
  out.set(content);
  out[content.length] = MARKER;
  return out;
}

/** The content of a padded plaintext; InvalidPayloadError unless it is exactly what `padPlaintext` makes. */
export function unpadPlaintext(padded: Uint8Array): Bytes {
  if (!isBucketLength(padded.length)) throw new InvalidPayloadError('padded plaintext is not a bucket size');
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== MARKER) throw new InvalidPayloadError('padding marker missing');
  if (paddedLength(end) !== padded.length) throw new InvalidPayloadError('plaintext is padded beyond its bucket');
  return new Uint8Array(padded.subarray(0, end));
}
