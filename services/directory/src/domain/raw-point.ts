import { createPublicKey, type KeyObject } from 'node:crypto';

/** Length of an uncompressed P-256 point: 0x04 || X (32) || Y (32). */
export const RAW_P256_POINT_BYTES = 65;

/** The field prime of P-256; a coordinate must be below it (no alias x + p of a valid x). */
const P256_P = BigInt('0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff');

/** A public key from the network was not a valid uncompressed P-256 point. */
export class InvalidPointError extends Error {
  override name = 'InvalidPointError';
}

/**
 * Decode and validate a raw P-256 public key (unpadded base64url of 65 bytes): length, the 0x04 prefix (no
 * compressed points, no point at infinity), both coordinates below p, and on the curve (the import fails
 * otherwise). The server never uses these keys for its own cryptography; it checks them so junk is refused at once.
 * Returns the decoded bytes and the imported key (for signature checks).
 */
export function parseRawP256Point(base64url: string, what: string): { raw: Buffer; key: KeyObject } {
  const raw = Buffer.from(base64url, 'base64url');
  // Buffer's decoder skips characters it does not know; the re-encoding must give the input back.
  if (raw.toString('base64url') !== base64url) throw new InvalidPointError(`${what} is not canonical base64url`);
  if (raw.length !== RAW_P256_POINT_BYTES || raw[0] !== 0x04) throw new InvalidPointError(`${what} must be a 65-byte uncompressed P-256 point`);
  const x = raw.subarray(1, 33);
  const y = raw.subarray(33);
  if (BigInt(`0x${x.toString('hex')}`) >= P256_P || BigInt(`0x${y.toString('hex')}`) >= P256_P) {
    throw new InvalidPointError(`${what} has a coordinate outside the field`);
  }
  try {
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: x.toString('base64url'), y: y.toString('base64url') }, format: 'jwk' });
    return { raw, key };
  } catch (err) {
    throw new InvalidPointError(`${what} is not a point on P-256`, { cause: err });
  }
}
