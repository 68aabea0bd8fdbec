/**
 * Canonical byte encodings of protocol v1 (docs/protocol-v1.md, "Encodings"). Everything that is signed, put into
 * AES-GCM additional data or into an HKDF info is built with `ByteWriter`, so each structure has exactly one byte
 * form:
 *
 * - integers are unsigned big-endian of a fixed width (u8, u16, u32, u64 up to 2^53 - 1);
 * - ids are UUIDs, written as their 16 raw bytes (text is accepted in any case, written lowercase);
 * - public keys are 65-byte uncompressed P-256 points; other fixed-size fields (IVs, chain keys) are raw bytes;
 * - a label is u8(length) || ASCII, so no label is a prefix of another structure's label;
 * - a variable-length field is u32(length) || bytes, and only the last field of a structure may be written bare.
 */
import { CryptoParameterError } from './errors';
import type { Bytes } from './webcrypto';

export const UUID_BYTES = 16;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` is a UUID in the 8-4-4-4-12 hex form (any version, any case). */
export function isUuid(text: unknown): text is string {
  return typeof text === 'string' && UUID_PATTERN.test(text);
}

/** The canonical (lowercase) form of a UUID; throws CryptoParameterError for anything else. */
export function canonicalUuid(text: string, what: string): string {
  if (!isUuid(text)) throw new CryptoParameterError(`${what} must be a UUID`);
  return text.toLowerCase();
}

/** The 16 bytes of a UUID. */
export function uuidToBytes(text: string, what: string): Bytes {
  if (!isUuid(text)) throw new CryptoParameterError(`${what} must be a UUID`);
  const out = new Uint8Array(UUID_BYTES);
  for (let i = 0, c = 0; i < UUID_BYTES; i++, c += 2) {
    if (c === 8 || c === 13 || c === 18 || c === 23) c++; // the hyphens
    out[i] = (hexValue(text.charCodeAt(c)) << 4) | hexValue(text.charCodeAt(c + 1));
  }
  return out;
}

/** The value of one hex digit (already checked by isUuid). */
function hexValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57;
}

/** The lowercase text form of 16 UUID bytes. */
export function uuidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== UUID_BYTES) throw new CryptoParameterError('a UUID is 16 bytes');
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 of a string with no lone surrogates (TextEncoder would silently turn them into U+FFFD). */
export function utf8(text: string): Bytes {
  if (hasLoneSurrogate(text)) throw new CryptoParameterError('text must be well-formed Unicode');
  return utf8Encoder.encode(text);
}

/** Strict UTF-8 decoding: invalid sequences throw instead of becoming U+FFFD; a leading BOM is kept, not eaten. */
export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** Whether `text` holds an unpaired UTF-16 surrogate. */
export function hasLoneSurrogate(text: string): boolean {
  return /\p{Surrogate}/u.test(text);
}

/** Concatenate byte arrays into one new array. */
export function concatBytes(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Whether two byte arrays are equal, looking at every byte whatever the first difference (no early exit). Use it
 * for secrets and checksums alike; it leaks only the lengths.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Lowercase hex (test vectors and docs). */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Encoded labels (length byte and ASCII), built once per label: the writer never hands these arrays out. */
const labelBytes = new Map<string, Bytes>();

/**
 * Builds one canonical byte string; see the module comment for the rules. Parts are referenced, not copied, until
 * `bytes()` copies them into the result, so build and finish in one expression (as every caller does).
 */
export class ByteWriter {
  private readonly parts: Uint8Array[] = [];

  label(ascii: string): this {
    let encoded = labelBytes.get(ascii);
    if (!encoded) {
      if (!/^[\x20-\x7e]{1,255}$/.test(ascii)) throw new CryptoParameterError('a label is 1..255 printable ASCII characters');
      encoded = concatBytes(Uint8Array.of(ascii.length), utf8Encoder.encode(ascii));
      labelBytes.set(ascii, encoded);
    }
    this.parts.push(encoded);
    return this;
  }

  u8(n: number): this {
    return this.uint(n, 1);
  }

  u16(n: number): this {
    return this.uint(n, 2);
  }

  u32(n: number): this {
    return this.uint(n, 4);
  }

  /** 8 bytes; JavaScript numbers limit the value to 2^53 - 1 (timestamps in milliseconds fit for 285,000 years). */
  u64(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new CryptoParameterError('a u64 field must be a safe non-negative integer');
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt(n));
    return this.raw(out);
  }

  uuid(text: string, what: string): this {
    return this.raw(uuidToBytes(text, what));
  }

  /** Bytes of a length both sides know from the structure (a key, an IV); the caller has checked the length. */
  raw(bytes: Uint8Array): this {
    if (!(bytes instanceof Uint8Array)) throw new CryptoParameterError('raw bytes must be a Uint8Array');
    this.parts.push(bytes);
    return this;
  }

  /** u32(length) || bytes. */
  withLength(bytes: Uint8Array): this {
    return this.u32(bytes.length).raw(bytes);
  }

  bytes(): Bytes {
    return concatBytes(...this.parts);
  }

  private uint(n: number, width: 1 | 2 | 4): this {
    const max = 2 ** (8 * width) - 1;
    if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new CryptoParameterError(`a u${8 * width} field must be an integer from 0 to ${max}`);
    const out = new Uint8Array(width);
    for (let i = width - 1, v = n; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
    return this.raw(out);
  }
}

/** Thrown by ByteReader on truncated input, trailing bytes or an unexpected label. */
export class ByteFormatError extends Error {
  override name = 'ByteFormatError';
}

/** Reads what ByteWriter wrote, refusing short input and (with `end()`) trailing bytes. */
export class ByteReader {
  private offset = 0;

  constructor(private readonly input: Uint8Array) {}

  get remaining(): number {
    return this.input.length - this.offset;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u32(): number {
    const b = this.take(4);
    return ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
  }

  uuid(): string {
    return uuidFromBytes(this.take(UUID_BYTES));
  }

  take(length: number): Bytes {
    if (length > this.remaining) throw new ByteFormatError('input is truncated');
    const out = new Uint8Array(this.input.subarray(this.offset, this.offset + length));
    this.offset += length;
    return out;
  }

  /** Everything left. */
  rest(): Bytes {
    return this.take(this.remaining);
  }

  end(): void {
    if (this.remaining !== 0) throw new ByteFormatError(`${this.remaining} unexpected trailing bytes`);
  }
}
