import type { Envelope, StoredMessage } from '@cipherlink/proto';
import { MessageRejectedError, type MessagePayload, type MessageRejectionCode, type SenderKeyRing } from '../crypto/v1';
import type { UndecryptableCode } from '../types';

/**
 * What decrypting one stored message gave: the payload, or why not and whether to try again (`key`: when a sender
 * key arrives for its conversation; `sync`: at the next history sync; false: never).
 */
export type DecryptOutcome =
  | { ok: true; payload: MessagePayload }
  | { ok: false; code: UndecryptableCode; reason: string; retry: 'key' | 'sync' | false };

/** The seam between message bookkeeping (MessageSync) and end-to-end encryption. */
export interface MessageCrypto {
  /** Throws (UntrustedIdentityError, NoDeviceError, ...) when nothing may be sent to this conversation now. */
  checkCanSend(conversationId: string): Promise<void>;
  encrypt(conversationId: string, messageId: string, payload: MessagePayload): Promise<Envelope>;
  /** Never throws for a message that cannot be read: that is an outcome. */
  decrypt(stored: StoredMessage): Promise<DecryptOutcome>;
}

/** What the user is told for each refusal of a v1 message (no key material, no content). */
const REJECTION_REASONS: Record<MessageRejectionCode, string> = {
  malformed: 'the message is malformed',
  'routing-mismatch': 'the message does not match how it was delivered',
  'wrong-sender-key': 'the message names another sender key',
  'missing-sender-key': "can't decrypt yet: waiting for the sender's key",
  'bad-signature': 'the sender signature does not verify (forged or altered)',
  replay: 'the message was replayed',
  'key-unavailable': 'the message key is no longer available (replayed or too old)',
  'decryption-failed': 'the message failed authentication (tampered)',
  'bad-payload': 'the message content is invalid',
};

/**
 * Decrypt a v1 message with the sender keys held. A missing sender key is "can't decrypt yet" (`onMissingKey` is
 * told, to go and look for it); every other refusal is final. Only unexpected failures throw.
 */
export async function decryptV1(ring: SenderKeyRing, stored: StoredMessage, onMissingKey?: () => void): Promise<DecryptOutcome> {
  try {
    const { payload } = await ring.decrypt(stored.envelope, {
      conversationId: stored.conversationId,
      messageId: stored.id,
      senderUserId: stored.senderUserId,
      senderDeviceId: stored.senderDeviceId,
    });
    return { ok: true, payload };
  } catch (err) {
    if (!(err instanceof MessageRejectedError)) throw err;
    if (err.code === 'missing-sender-key') {
      onMissingKey?.();
      return { ok: false, code: 'waiting-for-key', reason: REJECTION_REASONS[err.code], retry: 'key' };
    }
    return { ok: false, code: 'rejected', reason: REJECTION_REASONS[err.code], retry: false };
  }
}
