import type { ErrorCode } from '@cipherlink/proto';

/** A call that needs a signed-in session was made without one. */
export class NotSignedInError extends Error {
  override name = 'NotSignedInError';
  constructor() {
    super('not signed in');
  }
}

/** The conversation cannot carry messages with this protocol (v0: DMs only) or is unknown. */
export class UnsupportedConversationError extends Error {
  override name = 'UnsupportedConversationError';
}

/** The server refused a sent message (`error` frame with the message id as `ref`). */
export class SendRejectedError extends Error {
  override name = 'SendRejectedError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** With `rate_limited`: how long the server asked to wait. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** No `message.ack` arrived in time; the message may or may not have been stored. */
export class AckTimeoutError extends Error {
  override name = 'AckTimeoutError';
}

/** The action needs this device's end-to-end keys, but encryption is not `ready` (restore or reset first). */
export class EncryptionNotReadyError extends Error {
  override name = 'EncryptionNotReadyError';
  constructor(readonly state: string) {
    super(`end-to-end encryption is not ready on this device (${state})`);
  }
}

/** The server has no key backup for this user: nothing to restore from (reset the identity instead). */
export class NoKeyBackupError extends Error {
  override name = 'NoKeyBackupError';
}

/** The key backup opened, but holds another identity key than the user's current one (an older backup). */
export class BackupIdentityMismatchError extends Error {
  override name = 'BackupIdentityMismatchError';
}

/**
 * Sending is blocked: the identity key of these contacts, which the user had verified, changed. Nothing was sent;
 * `acceptIdentityChange(userId)` (after checking the new safety number) unblocks it.
 */
export class UntrustedIdentityError extends Error {
  override name = 'UntrustedIdentityError';
  constructor(readonly userIds: string[]) {
    super('the identity key of a verified contact changed; accept the change before sending');
  }
}

/** No message with this id is known to this client. */
export class MessageNotFoundError extends Error {
  override name = 'MessageNotFoundError';
}

/** Only the author of a message may edit or delete it (and only a text can be edited). */
export class EditNotAllowedError extends Error {
  override name = 'EditNotAllowedError';
}

/** The message is larger than one encrypted payload may be. */
export class MessageTooLongError extends Error {
  override name = 'MessageTooLongError';
}
