/**
 * Every domain-separation label of protocol v1 in one place. Each names the protocol, its version and the purpose,
 * and each structure that is signed, authenticated or fed to a KDF starts with its own label (written
 * length-prefixed, see bytes.ts), so bytes made for one purpose are never valid for another.
 */
export const LABELS = {
  /** Signed by the identity key: a device's keys. */
  deviceCertificate: 'cipherlink/v1/device-certificate',
  /** The message header: AES-GCM additional data of a message. */
  messageHeader: 'cipherlink/v1/message-header',
  /** Signed by the sender key's signing key: header, IV and ciphertext of a message. */
  messageSignature: 'cipherlink/v1/message-signature',
  /** The distribution header: AES-GCM additional data and HKDF info of a sender-key distribution. */
  distributionHeader: 'cipherlink/v1/sender-key-distribution',
  /** Signed by the sending device's signing key: distribution header, IV and ciphertext. */
  distributionSignature: 'cipherlink/v1/sender-key-distribution-signature',
  /** Checksum of a recovery key. */
  recoveryKeyChecksum: 'cipherlink/v1/recovery-key-checksum',
  /** HKDF info of the key that wraps a backup's data key under the recovery key. */
  backupRecoveryKeySlot: 'cipherlink/v1/key-backup/recovery-key-slot',
  /** Additional data of a backup key slot (the passphrase slot's key comes from PBKDF2). */
  backupSlot: 'cipherlink/v1/key-backup/slot',
  /** Additional data of a backup's contents. */
  backupContents: 'cipherlink/v1/key-backup/contents',
} as const;
