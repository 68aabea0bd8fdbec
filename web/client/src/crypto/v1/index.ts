/**
 * Protocol v1 primitives (GitHub issue 4, first part): Web Crypto only, no DOM, no network, no protocol logic.
 * Not wired into the SDK yet; the v1 MessageCipher will be built on these.
 */
export { hkdfSha256, HKDF_SHA256_MAX_BYTES, type HkdfParams } from './hkdf';
export {
  AES_GCM_IV_BYTES,
  AES_GCM_KEY_BYTES,
  AES_GCM_TAG_BYTES,
  decryptAesGcm,
  encryptAesGcm,
  generateIv,
  importAesGcmKey,
  type AesGcmDecryptParams,
  type AesGcmEncryptParams,
} from './aead';
export { deriveEcdhSecret, ECDH_P256_SECRET_BYTES } from './ecdh';
export { ECDSA_P256_SIGNATURE_BYTES, signEcdsaP256, verifyEcdsaP256 } from './ecdsa';
export { HMAC_MIN_KEY_BYTES, HMAC_SHA256_BYTES, hmacSha256, importHmacSha256Key, verifyHmacSha256 } from './hmac';
export { MIN_BACKUP_ITERATIONS, pbkdf2Sha256, type Pbkdf2Params } from './pbkdf2';
export {
  exportP256PublicKey,
  exportP256PublicKeyJwk,
  importP256PublicKey,
  importP256PublicKeyJwk,
  P256_RAW_PUBLIC_KEY_BYTES,
  rawFromP256PublicJwk,
  type P256Algorithm,
  type P256PublicJwk,
} from './public-key';
export { generateEcdhKeyPair, generateEcdsaKeyPair, type KeyPairOptions, type P256KeyPair } from './key-pair';
export {
  advanceChain,
  CHAIN_KEY_BYTES,
  chainState,
  generateChainKey,
  MAX_CHAIN_INDEX,
  MAX_CHAIN_JUMP,
  SendingChain,
  stepChain,
  type ChainState,
  type IndexedMessageKey,
} from './chain';
export { ReceivingChain, type PendingMessageKey } from './receiving-chain';
export { MAX_SKIPPED_MESSAGE_KEYS } from './skipped-message-keys';
export { randomBytes, setTestRandomSource, queuedTestBytes, type TestRandomSource } from './random';
export {
  AeadAuthenticationError,
  ChainStateConflictError,
  CryptoParameterError,
  InvalidPublicKeyError,
  MessageKeyUnavailableError,
  TestOnlyError,
} from './errors';
export type { Bytes } from './webcrypto';
