/**
 * Typed failures of the v1 primitives. Messages name the parameter and the rule that was broken, never a key,
 * a plaintext or a ciphertext byte.
 */

import { DecryptionError } from '../errors';

/** A peer public key failed validation (same class as protocol v0, so callers handle one type). */
export { InvalidPublicKeyError } from '../errors';

/** An argument is outside what the primitive supports: a wrong length, a wrong key type, an out-of-range count. */
export class CryptoParameterError extends Error {
  override name = 'CryptoParameterError';
}

/** AES-GCM refused a ciphertext: wrong key, wrong IV or additional data, or tampered bytes. Indistinguishable on purpose. */
export class AeadAuthenticationError extends Error {
  override name = 'AeadAuthenticationError';
}

/**
 * The message key of a chain index cannot be produced: the index was already used, is older than the chain and
 * no longer (or never) in the skipped-key cache, or lies further ahead than the chain is allowed to jump.
 */
export class MessageKeyUnavailableError extends Error {
  override name = 'MessageKeyUnavailableError';
  constructor(
    readonly index: number,
    readonly reason: 'already-used-or-evicted' | 'jump-too-large' | 'index-out-of-range',
  ) {
    super(`message key ${index} is unavailable: ${reason}`);
  }
}

/** A pending message key was computed from a chain state that another commit has since moved; ask again. */
export class ChainStateConflictError extends Error {
  override name = 'ChainStateConflictError';
}

/** A test-only switch was used outside a test run. */
export class TestOnlyError extends Error {
  override name = 'TestOnlyError';
}

// ---- Protocol layer (docs/protocol-v1.md). Every message below names a rule, never a key or content byte. ----

/** Why a v1 message was refused; stable codes the SDK can map to a user-facing reason. */
export type MessageRejectionCode =
  /** The envelope is not a well-formed v1 envelope. */
  | 'malformed'
  /** The envelope's conversation, sender device or message id differs from what the server routed. */
  | 'routing-mismatch'
  /** The envelope names another conversation, epoch or sender device than this sender key. */
  | 'wrong-sender-key'
  /** No sender key for the envelope's conversation, epoch and sender device was received (not distributed to us). */
  | 'missing-sender-key'
  /** The sender-key signature over header, IV and ciphertext does not verify. */
  | 'bad-signature'
  /** This message id or chain index was accepted before. */
  | 'replay'
  /** The chain index is too old (key dropped from the skipped-key cache) or too far ahead. */
  | 'key-unavailable'
  /** AES-GCM refused the ciphertext. */
  | 'decryption-failed'
  /** The plaintext decrypted but its padding or payload is not valid. */
  | 'bad-payload';

/** A v1 message was refused. Extends the SDK's DecryptionError, so it is handled like every undecryptable message. */
export class MessageRejectedError extends DecryptionError {
  override name = 'MessageRejectedError';
  constructor(
    readonly code: MessageRejectionCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`message rejected (${code}): ${detail}`, options);
  }
}

/** A device certificate failed: bad encoding, invalid key, wrong user or device, or a signature that does not verify. */
export class InvalidDeviceCertificateError extends Error {
  override name = 'InvalidDeviceCertificateError';
}

/** A sender-key distribution could not be opened: malformed, not for this device, bad signature or failed decryption. */
export class InvalidSenderKeyDistributionError extends Error {
  override name = 'InvalidSenderKeyDistributionError';
}

/** A decrypted plaintext is not a valid padded payload (bad padding, unknown shape, non-canonical encoding). */
export class InvalidPayloadError extends Error {
  override name = 'InvalidPayloadError';
}

/** A recovery key as typed is not one: wrong length, foreign characters or a checksum mismatch (a typo). */
export class InvalidRecoveryKeyError extends Error {
  override name = 'InvalidRecoveryKeyError';
}

/** The recovery key or passphrase does not open this backup. Never returned as garbage: the AES-GCM tag decides. */
export class WrongBackupKeyError extends Error {
  override name = 'WrongBackupKeyError';
}

/** A key backup blob is malformed, of an unknown version, or was altered after it was written. */
export class InvalidKeyBackupError extends Error {
  override name = 'InvalidKeyBackupError';
}
