/** ECDH on P-256: the raw shared secret, input keying material for HKDF and never a key by itself. */
import { assertKey, subtle, type Bytes } from './webcrypto';

/** Length of the ECDH shared secret (the X coordinate of d·Q). */
export const ECDH_P256_SECRET_BYTES = 32;

/**
 * The 32-byte shared secret of our private key and a peer's public key. The peer key must come from
 * `importP256PublicKey`/`importP256PublicKeyJwk` with algorithm "ECDH", which validated the point.
 * Always feed the result to HKDF with a salt and an info string that name the protocol and purpose.
 */
export async function deriveEcdhSecret(privateKey: CryptoKey, peerPublicKey: CryptoKey): Promise<Bytes> {
  assertKey(privateKey, { type: 'private', name: 'ECDH', namedCurve: 'P-256', usage: 'deriveBits' }, 'ECDH private key');
  assertKey(peerPublicKey, { type: 'public', name: 'ECDH', namedCurve: 'P-256' }, 'ECDH peer public key');
  return new Uint8Array(await subtle().deriveBits({ name: 'ECDH', public: peerPublicKey }, privateKey, ECDH_P256_SECRET_BYTES * 8));
}
