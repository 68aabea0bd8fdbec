/**
 * Protocol v1 (GitHub issue 4): the primitives and, on top of them, the protocol layer (device certificates,
 * sender-key messages, distribution, rotation, safety numbers, key backup). Web Crypto only, no DOM, no network.
 * Not wired into the SDK yet; docs/protocol-v1.md is the specification.
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
  prepareChainStep,
  SendingChain,
  stepChain,
  type ChainState,
  type IndexedAesKey,
  type IndexedMessageKey,
  type PreparedChainStep,
} from './chain';
export { ReceivingChain, type PendingMessageKey, type ReceivingChainState } from './receiving-chain';
export { MAX_SKIPPED_MESSAGE_KEYS } from './skipped-message-keys';
export { randomBytes, setTestRandomSource, queuedTestBytes, type TestRandomSource } from './random';
export {
  AeadAuthenticationError,
  ChainStateConflictError,
  CryptoParameterError,
  InvalidDeviceCertificateError,
  InvalidKeyBackupError,
  InvalidPayloadError,
  InvalidPublicKeyError,
  InvalidRecoveryKeyError,
  InvalidSenderKeyDistributionError,
  MessageKeyUnavailableError,
  MessageRejectedError,
  TestOnlyError,
  WrongBackupKeyError,
  type MessageRejectionCode,
} from './errors';

// ---- Protocol layer ----
export { LABELS } from './labels';
export {
  DEVICE_CERTIFICATE_VERSION,
  deviceCertificateBytes,
  deviceCertificateFromJson,
  deviceCertificateToJson,
  signDeviceCertificate,
  verifyDeviceCertificate,
  type DeviceCertificate,
  type DeviceCertificateFields,
  type DeviceCertificateJson,
  type ExpectedDevice,
  type VerifiedDevice,
} from './device-certificate';
export {
  createLocalDevice,
  exportIdentityKeyForBackup,
  generateIdentityKeyPair,
  importIdentityKeyFromBackup,
  type IdentityKeyExport,
  type LocalDevice,
} from './identity';
export {
  decodePaddedPayload,
  decodePayload,
  encodePaddedPayload,
  encodePayload,
  MAX_PAYLOAD_BYTES,
  type DeletePayload,
  type EditPayload,
  type MessagePayload,
  type ReactionPayload,
  type ReplyReference,
  type TextPayload,
} from './payload';
export { isBucketLength, MAX_PADDED_BYTES, padPlaintext, paddedLength, unpadPlaintext } from './padding';
export {
  ENVELOPE_VERSION,
  messageHeaderBytes,
  messageSignedBytes,
  parseEnvelopeV1,
  toEnvelopeV1,
  type EnvelopeRouting,
  type EnvelopeV1,
  type MessageHeader,
  type ParsedEnvelopeV1,
} from './envelope';
export { MESSAGE_DIGEST_BYTES, messageDigest, noPreviousMessage } from './message-digest';
export { authenticateLinked, type LinkedMessage } from './history-authentication';
export { checkSenderKeyShare, type SenderKeyId, type SenderKeyShare } from './sender-key';
export { OutboundSenderKey, type NewOutboundSenderKey, type OutboundSenderKeyRecord } from './outbound-sender-key';
export {
  InboundSenderKey,
  type DecryptedMessageV1,
  type DecryptParsedOptions,
  type InboundSenderKeyOptions,
  type InboundSenderKeyRecord,
  type RoutedMessage,
} from './inbound-sender-key';
export { SenderKeyRing } from './sender-key-ring';
export { localSignatureVerifier, type SignatureVerifier, type VerificationKey } from './signature-verifier';
export {
  serveSignatureVerification,
  SignatureVerifierError,
  SignatureVerifierPool,
  type VerifierEndpoint,
  type VerifierScope,
} from './signature-verifier-pool';
export {
  decryptHistory,
  DEFAULT_HISTORY_CONCURRENCY,
  type DecryptHistoryOptions,
  type HistoryMessage,
  type HistoryResult,
} from './history-decryption';
export {
  DISTRIBUTION_BYTES,
  openSenderKeyDistribution,
  peekSenderKeyDistribution,
  sealSenderKeyDistribution,
  type DistributionParty,
  type DistributionRouting,
} from './distribution';
export {
  MAX_EPOCH_AGE_MS,
  MAX_MESSAGES_PER_EPOCH,
  rotationDecision,
  type MemberDevices,
  type RotationDecision,
  type RotationReason,
  type SenderKeyUsage,
} from './rotation';
export {
  compareScannedSafetyNumber,
  computeSafetyNumber,
  safetyNumberDigitsMatch,
  SAFETY_NUMBER_ITERATIONS,
  type SafetyNumber,
  type SafetyNumberParty,
  type ScanResult,
} from './safety-number';
export { formatRecoveryKey, generateRecoveryKey, parseRecoveryKey, RECOVERY_KEY_BYTES, type RecoveryKey } from './recovery-key';
export {
  addPassphraseSlot,
  createKeyBackup,
  hasPassphraseSlot,
  KEY_BACKUP_VERSION,
  MIN_BACKUP_PASSPHRASE_CHARS,
  openKeyBackup,
  openKeyBackupForWriting,
  openKeyBackupWithWriter,
  resealKeyBackup,
  sealKeyBackup,
  type KeyBackupBlob,
  type KeyBackupContents,
  type KeyBackupProtection,
  type KeyBackupSecret,
  type KeyBackupSlot,
  type KeyBackupWriter,
  type SealedKeyBackup,
} from './key-backup';
export type { Bytes } from './webcrypto';
