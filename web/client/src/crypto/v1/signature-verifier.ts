/**
 * Who checks a message's sender-key signature. The protocol needs the answer before it walks a chain and before it
 * accepts a plaintext (inbound-sender-key.ts); where the ECDSA work runs is a deployment choice:
 *
 * - `localSignatureVerifier` (the default): Web Crypto on the calling thread;
 * - `SignatureVerifierPool` (signature-verifier-pool.ts): Web Workers, for bulk work such as a page of history.
 *   Browsers run ECDSA on the thread that asked (Chromium: on the page's main thread), so a verify costs that
 *   thread its full CPU time however many are in flight; workers spread it over the other cores.
 */
import { verifyEcdsaP256 } from './ecdsa';
import type { Bytes } from './webcrypto';

/** A sender key's signing public key, in both forms: imported for local use, raw to send elsewhere. */
export interface VerificationKey {
  /** Stable and unique per sender key (its conversation, sending device and epoch). */
  readonly id: string;
  /** ECDSA P-256 public key imported (and validated) when the sender key was received. */
  readonly publicKey: CryptoKey;
  /** The same key as a validated 65-byte uncompressed point. */
  readonly publicKeyRaw: Bytes;
}

export interface SignatureVerifier {
  /**
   * Whether `signature` is a valid ECDSA P-256 / SHA-256 signature (P1363, 64 bytes) of `signedBytes` under `key`.
   * False for any invalid or malformed signature; a rejection only for a failure of the verifier itself.
   */
  verify(key: VerificationKey, signedBytes: Bytes, signature: Bytes): Promise<boolean>;
}

/** Web Crypto on the calling thread. */
export const localSignatureVerifier: SignatureVerifier = {
  verify: (key, signedBytes, signature) => verifyEcdsaP256(key.publicKey, signedBytes, signature),
};
