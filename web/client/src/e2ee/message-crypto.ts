import type { Envelope, StoredMessage } from '@cipherlink/proto';
import { decryptHistory, MessageRejectedError, type MessagePayload, type MessageRejectionCode, type RoutedMessage, type SenderKeyRing } from '../crypto/v1';
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
  /**
   * `decrypt` of many messages at once (a history page, the retries of a conversation): one outcome per message,
   * in input order, the same outcomes `decrypt` gives one by one in that order. One bad message is its own
   * outcome, never a rejection of the whole call.
   */
  decryptMany(stored: readonly StoredMessage[]): Promise<DecryptOutcome[]>;
}

/** A message whose decryption failed for another reason than the message itself (keys could not be fetched). */
export const KEYS_UNAVAILABLE: DecryptOutcome = Object.freeze({ ok: false, code: 'offline', reason: 'keys could not be fetched (offline?)', retry: 'sync' });

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
export async function decryptV1(ring: SenderKeyRing, stored: StoredMessage, onMissingKey?: (stored: StoredMessage) => void): Promise<DecryptOutcome> {
  try {
    const { payload } = await ring.decrypt(stored.envelope, routedOf(stored));
    return { ok: true, payload };
  } catch (err) {
    if (!(err instanceof MessageRejectedError)) throw err;
    return rejected(err, stored, onMissingKey);
  }
}

/**
 * `decryptV1` of many v1 messages at once through `decryptHistory` (each sender chain read in index order, one
 * signature check per run of linked messages): the same outcomes, in input order. A message that fails for an
 * unexpected reason is KEYS_UNAVAILABLE (what MessageSync makes of a `decrypt` that throws), so one such message
 * never costs the others theirs.
 */
export async function decryptManyV1(
  ring: SenderKeyRing,
  stored: readonly StoredMessage[],
  onMissingKey?: (stored: StoredMessage) => void,
): Promise<DecryptOutcome[]> {
  if (stored.length === 0) return [];
  const results = await decryptHistory(
    ring,
    stored.map((m) => ({ envelope: m.envelope, routed: routedOf(m) })),
  );
  return results.map((result, i): DecryptOutcome => {
    if (result.ok) return { ok: true, payload: result.message.payload };
    return result.error instanceof MessageRejectedError ? rejected(result.error, stored[i]!, onMissingKey) : KEYS_UNAVAILABLE;
  });
}

/** The one mapping of a refusal to what is shown: a missing key is waited for, every other refusal is final. */
function rejected(err: MessageRejectedError, stored: StoredMessage, onMissingKey: ((stored: StoredMessage) => void) | undefined): DecryptOutcome {
  if (err.code === 'missing-sender-key') {
    onMissingKey?.(stored);
    return { ok: false, code: 'waiting-for-key', reason: REJECTION_REASONS[err.code], retry: 'key' };
  }
  return { ok: false, code: 'rejected', reason: REJECTION_REASONS[err.code], retry: false };
}

function routedOf(stored: StoredMessage): RoutedMessage {
  return { conversationId: stored.conversationId, messageId: stored.id, senderUserId: stored.senderUserId, senderDeviceId: stored.senderDeviceId };
}
