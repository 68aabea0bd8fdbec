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
  ) {
    super(message);
  }
}

/** No `message.ack` arrived in time; the message may or may not have been stored. */
export class AckTimeoutError extends Error {
  override name = 'AckTimeoutError';
}
