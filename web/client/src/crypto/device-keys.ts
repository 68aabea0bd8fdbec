import { InvalidPublicKeyError } from './errors';

/** Length of an uncompressed P-256 point: 0x04 || X (32) || Y (32). */
export const RAW_P256_PUBLIC_KEY_BYTES = 65;

const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;

/** This device's static key pair: the private key can derive but never be exported. */
export interface DeviceKeyPair {
  privateKey: CryptoKey;
  /** Uncompressed point, 65 bytes; what the directory publishes. */
  publicKeyRaw: Uint8Array;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('Web Crypto (crypto.subtle) is not available; a secure context (https) is required');
  return s;
}

/**
 * Generate this device's ECDH P-256 key pair. The private key is created non-extractable, so it can be stored
 * in IndexedDB (structured clone) and used, but script cannot read its bytes.
 */
export async function generateDeviceKeyPair(): Promise<DeviceKeyPair> {
  const pair = await subtle().generateKey(ECDH_P256, false, ['deriveBits']);
  const raw = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKeyRaw: raw };
}

/**
 * Import a peer's public key from the network. Accepts only a 65-byte uncompressed point; Web Crypto's
 * `importKey('raw')` then rejects points that are not on the curve (invalid-curve attacks). Every failure is an
 * InvalidPublicKeyError.
 */
export async function importPeerPublicKey(raw: Uint8Array): Promise<CryptoKey> {
  if (!(raw instanceof Uint8Array)) throw new InvalidPublicKeyError('public key must be bytes');
  if (raw.length !== RAW_P256_PUBLIC_KEY_BYTES) throw new InvalidPublicKeyError(`public key must be ${RAW_P256_PUBLIC_KEY_BYTES} bytes`);
  if (raw[0] !== 0x04) throw new InvalidPublicKeyError('public key must be an uncompressed point (0x04 prefix)');
  try {
    return await subtle().importKey('raw', new Uint8Array(raw), ECDH_P256, true, []);
  } catch (err) {
    throw new InvalidPublicKeyError('public key is not a point on P-256', { cause: err });
  }
}

/** Raw ECDH shared secret (the X coordinate, 32 bytes). Input keying material only; never use it as a key. */
export async function deriveSharedSecret(privateKey: CryptoKey, peerPublicKey: CryptoKey, s: SubtleCrypto = subtle()): Promise<ArrayBuffer> {
  return s.deriveBits({ name: 'ECDH', public: peerPublicKey }, privateKey, 256);
}
