/**
 * Recovery keys: 256 random bits a person writes down, shown as 16 groups of 4 characters
 * (docs/protocol-v1.md, "Recovery key").
 *
 *   bytes = u8 version (1) || key (32) || checksum (7)       -- 40 bytes = 320 bits = 64 characters
 *   checksum = SHA-256(label("cipherlink/v1/recovery-key-checksum") || u8 version || key)[0..7)
 *   text  = Crockford base32 (0-9 A-Z without I L O U) of the 40 bytes, in groups of 4 joined by spaces
 *
 * Parsing is tolerant of what people do when copying: any case, spaces, hyphens and line breaks, and O/I/L
 * read as 0/1/1. A typo fails the 56-bit checksum (InvalidRecoveryKeyError) instead of opening nothing later.
 */
import { ByteWriter, bytesEqual, concatBytes } from './bytes';
import { CryptoParameterError, InvalidRecoveryKeyError } from './errors';
import { LABELS } from './labels';
import { randomBytes } from './random';
import { ownBytesOfLength, subtle, type Bytes } from './webcrypto';

export const RECOVERY_KEY_BYTES = 32;
const RECOVERY_KEY_VERSION = 1;
const CHECKSUM_BYTES = 7;
const ENCODED_BYTES = 1 + RECOVERY_KEY_BYTES + CHECKSUM_BYTES;
const CHARACTERS = (ENCODED_BYTES * 8) / 5;
const GROUP = 4;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ALIASES: Record<string, string> = { O: '0', I: '1', L: '1' };

export interface RecoveryKey {
  /** The 32 secret bytes. */
  key: Bytes;
  /** What the user writes down: 16 groups of 4 characters. */
  text: string;
}

/** A new random recovery key and its text. */
export async function generateRecoveryKey(): Promise<RecoveryKey> {
  const key = randomBytes(RECOVERY_KEY_BYTES);
  return { key, text: await formatRecoveryKey(key) };
}

/** The text form of a 32-byte recovery key. */
export async function formatRecoveryKey(key: Uint8Array): Promise<string> {
  const k = ownBytesOfLength(key, RECOVERY_KEY_BYTES, 'recovery key');
  const encoded = concatBytes(Uint8Array.of(RECOVERY_KEY_VERSION), k, await checksum(k));
  const chars = base32(encoded);
  return chars.match(new RegExp(`.{${GROUP}}`, 'g'))!.join(' ');
}

/** The 32 key bytes of a typed recovery key; InvalidRecoveryKeyError for a wrong length, character or checksum. */
export async function parseRecoveryKey(text: string): Promise<Bytes> {
  if (typeof text !== 'string') throw new InvalidRecoveryKeyError('a recovery key is text');
  const chars = text
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[OIL]/g, (c) => ALIASES[c]!);
  if (chars.length !== CHARACTERS) throw new InvalidRecoveryKeyError(`a recovery key has ${CHARACTERS} characters`);
  const bytes = new Uint8Array(ENCODED_BYTES);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const c of chars) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) throw new InvalidRecoveryKeyError('a recovery key contains a character that is not in its alphabet');
    acc = ((acc << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[o++] = (acc >> bits) & 0xff;
    }
  }
  if (bytes[0] !== RECOVERY_KEY_VERSION) throw new InvalidRecoveryKeyError('unknown recovery key version (or a typo)');
  const key = bytes.slice(1, 1 + RECOVERY_KEY_BYTES);
  if (!bytesEqual(bytes.subarray(1 + RECOVERY_KEY_BYTES), await checksum(key))) {
    throw new InvalidRecoveryKeyError('the recovery key checksum does not match: check for a typo');
  }
  return key;
}

async function checksum(key: Uint8Array): Promise<Bytes> {
  const input = new ByteWriter().label(LABELS.recoveryKeyChecksum).u8(RECOVERY_KEY_VERSION).raw(key).bytes();
  return new Uint8Array(await subtle().digest('SHA-256', input)).slice(0, CHECKSUM_BYTES);
}

/** Crockford base32 of a byte string whose bit length is a multiple of 5 (40 bytes here). */
function base32(bytes: Uint8Array): string {
  if ((bytes.length * 8) % 5 !== 0) throw new CryptoParameterError('base32 input must be a multiple of 5 bits');
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
  }
  return out;
}
