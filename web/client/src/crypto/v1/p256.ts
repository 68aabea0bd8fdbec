/**
 * P-256 (secp256r1) constants and the two arithmetic checks we do ourselves instead of trusting every platform's
 * importer: "is this affine point on the curve" and "is this a valid private scalar". Public data only, so plain
 * (variable-time) BigInt arithmetic is fine here; nothing secret passes through this file.
 */

/** Field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1. */
export const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
/** Curve coefficient b of y^2 = x^3 - 3x + b. */
export const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
/** Group order n (the cofactor is 1, so every curve point other than infinity generates the whole group). */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** Byte length of a coordinate or a scalar. */
export const P256_FIELD_BYTES = 32;

/** Big-endian unsigned integer of `bytes`. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/**
 * Whether (x, y) is a point of P-256: both coordinates canonical (below p) and y^2 = x^3 - 3x + b (mod p).
 * The point at infinity has no affine form and is never accepted; (0, 0) fails the equation because b != 0.
 */
export function isOnP256(x: bigint, y: bigint): boolean {
  if (x < 0n || y < 0n || x >= P256_P || y >= P256_P) return false;
  const lhs = (y * y) % P256_P;
  const rhs = (((x * x) % P256_P) * x - 3n * x + P256_B) % P256_P;
  return lhs === (rhs + P256_P) % P256_P;
}

/** Whether `d` is a usable private scalar: 1 <= d < n. */
export function isValidP256Scalar(d: bigint): boolean {
  return d >= 1n && d < P256_N;
}
