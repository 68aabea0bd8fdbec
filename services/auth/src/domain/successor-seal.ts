import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { isWellFormedRefreshToken } from './refresh-token';

/**
 * Sealing a rotated refresh token's successor, so a racing replay within the grace window can be answered with the
 * same successor although the database stores no token plaintext.
 *
 * key = HKDF-SHA-256(ikm = the rotated (presented) token's 32 bytes, salt = none, info = HKDF_INFO), AES-256-GCM with
 * a fresh 96-bit IV, AAD = format version || the rotated token's row id (a sealed value copied to another row does not
 * open). The database holds SHA-256(token), which is not the HKDF key: a leak of the database opens nothing; only
 * someone presenting the rotated token itself can, and that token already was the key to the session.
 *
 * Stored form: version (1 byte) || IV (12) || ciphertext (32) || GCM tag (16).
 */
const HKDF_INFO = 'cipherlink/auth/v1/refresh-successor-seal';
const VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

function sealKey(rotatedToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(rotatedToken, 'base64url'), Buffer.alloc(0), HKDF_INFO, 32));
}

const aadOf = (tokenRowId: string) => Buffer.concat([Buffer.from([VERSION]), Buffer.from(tokenRowId.toLowerCase(), 'utf8')]);

/** Seal `successorToken` for the row `tokenRowId` of `rotatedToken` (the token being rotated). */
export function sealSuccessor(input: { rotatedToken: string; tokenRowId: string; successorToken: string }): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealKey(input.rotatedToken), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadOf(input.tokenRowId));
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(input.successorToken, 'base64url')), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, ciphertext, cipher.getAuthTag()]);
}

/** Open a sealed successor with the presented token; undefined when it does not authenticate (wrong token, row or bytes). */
export function openSuccessor(input: { rotatedToken: string; tokenRowId: string; sealed: Buffer }): string | undefined {
  const { sealed } = input;
  if (sealed.length <= 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return undefined;
  try {
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', sealKey(input.rotatedToken), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aadOf(input.tokenRowId));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    const token = plain.toString('base64url');
    return isWellFormedRefreshToken(token) ? token : undefined;
  } catch {
    return undefined;
  }
}
