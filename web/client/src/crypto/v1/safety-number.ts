/**
 * Safety numbers (Signal's numeric fingerprint, version 2 layout), computed over users' identity keys so two
 * people can check, in person or by a trusted channel, that no server swapped a key (docs/protocol-v1.md,
 * "Safety numbers").
 *
 *   hash_0     = u16 version (0x0000) || identityPublicKey (65-byte P-256 point) || stableId (the user id's 16 bytes)
 *   hash_{i+1} = SHA-512(hash_i || identityPublicKey)           for i = 0 .. 5199
 *   fingerprint(user) = six 5-digit chunks of hash_5200[0..30): each chunk is 5 bytes big-endian mod 100000
 *   safety number     = the two users' 30-digit fingerprints, the smaller (as a digit string) first: 60 digits
 *   QR payload        = u16 version (0x0000) || hash_5200[0..32) of the scanner's side || of the other side
 *
 * Both sides compute the same 60 digits. A QR code scanned from the other phone holds their (local, remote),
 * which must equal our (remote, local).
 */
import { ByteWriter, bytesEqual, concatBytes, uuidToBytes } from './bytes';
import { CryptoParameterError } from './errors';
import { validateRawP256PublicKey } from './public-key';
import { subtle, type Bytes } from './webcrypto';

export const SAFETY_NUMBER_VERSION = 0;
export const SAFETY_NUMBER_ITERATIONS = 5200;
/** Bytes of each side's hash in the QR payload. */
export const SCANNABLE_FINGERPRINT_BYTES = 32;
export const QR_PAYLOAD_BYTES = 2 + 2 * SCANNABLE_FINGERPRINT_BYTES;

export interface SafetyNumberParty {
  userId: string;
  /** The user's identity public key, 65-byte P-256 point (from a verified device certificate's chain). */
  identityPublicKey: Uint8Array;
}

export interface SafetyNumber {
  /** 60 digits. */
  digits: string;
  /** The 60 digits as 12 groups of 5, how they are shown. */
  groups: string[];
  /** The bytes a QR code shows (the app draws the code). */
  qrPayload: Bytes;
}

/** SHA-512 iterated fingerprint of one user (all 64 bytes of the last hash). */
export async function fingerprintHash(party: SafetyNumberParty): Promise<Bytes> {
  const key = validateRawP256PublicKey(party.identityPublicKey);
  let hash: Bytes = new ByteWriter().u16(SAFETY_NUMBER_VERSION).raw(key).raw(uuidToBytes(party.userId, 'user id')).bytes();
  for (let i = 0; i < SAFETY_NUMBER_ITERATIONS; i++) {
    hash = new Uint8Array(await subtle().digest('SHA-512', concatBytes(hash, key)));
  }
  return hash;
}

/** The 30 displayable digits of a fingerprint hash. */
export function fingerprintDigits(hash: Uint8Array): string {
  if (hash.length < 30) throw new CryptoParameterError('a fingerprint hash has at least 30 bytes');
  let out = '';
  for (let offset = 0; offset < 30; offset += 5) {
    let chunk = 0;
    for (let i = 0; i < 5; i++) chunk = chunk * 256 + hash[offset + i]!;
    out += String(chunk % 100_000).padStart(5, '0');
  }
  return out;
}

/** The safety number of `local` (this user) and `remote`; identical digits on both sides, QR payload per side. */
export async function computeSafetyNumber(local: SafetyNumberParty, remote: SafetyNumberParty): Promise<SafetyNumber> {
  const [localHash, remoteHash] = await Promise.all([fingerprintHash(local), fingerprintHash(remote)]);
  const a = fingerprintDigits(localHash);
  const b = fingerprintDigits(remoteHash);
  const digits = a <= b ? a + b : b + a;
  return {
    digits,
    groups: digits.match(/\d{5}/g)!,
    qrPayload: new ByteWriter()
      .u16(SAFETY_NUMBER_VERSION)
      .raw(localHash.subarray(0, SCANNABLE_FINGERPRINT_BYTES))
      .raw(remoteHash.subarray(0, SCANNABLE_FINGERPRINT_BYTES))
      .bytes(),
  };
}

export type ScanResult = 'match' | 'mismatch' | 'unsupported-version';

/**
 * Compare the QR payload scanned from the other person's screen with ours: 'match' when their local side is our
 * remote side and the other way round; 'mismatch' means one of the two identity keys differs (or the user ids).
 */
export function compareScannedSafetyNumber(ours: SafetyNumber, scanned: Uint8Array): ScanResult {
  if (!(scanned instanceof Uint8Array) || scanned.length < 2) return 'mismatch';
  if (scanned[0] !== 0 || scanned[1] !== SAFETY_NUMBER_VERSION) return 'unsupported-version';
  if (scanned.length !== QR_PAYLOAD_BYTES) return 'mismatch';
  const half = SCANNABLE_FINGERPRINT_BYTES;
  const ourLocal = ours.qrPayload.subarray(2, 2 + half);
  const ourRemote = ours.qrPayload.subarray(2 + half);
  const theirLocal = scanned.subarray(2, 2 + half);
  const theirRemote = scanned.subarray(2 + half);
  return bytesEqual(theirLocal, ourRemote) && bytesEqual(theirRemote, ourLocal) ? 'match' : 'mismatch';
}

/** Compare a safety number typed or read aloud: digits only (spaces and separators ignored). */
export function safetyNumberDigitsMatch(ours: SafetyNumber, typed: string): boolean {
  const digits = typed.replace(/[\s-]/g, '');
  return /^\d{60}$/.test(digits) && bytesEqual(new TextEncoder().encode(digits), new TextEncoder().encode(ours.digits));
}
