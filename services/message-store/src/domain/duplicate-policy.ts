import type { MessageSendCommand, StoredMessage } from '@cipherlink/proto';

/**
 * What to do when a command's message id is already stored.
 * - `republish`: the same message retried (the sender's first ack may have been lost): announce it again.
 * - `conflict`: a different message reusing an existing id (another conversation or sender). Announcing the
 *   original would tell this sender about someone else's message, so it is dropped.
 */
export type DuplicateDecision = 'republish' | 'conflict';

export function decideDuplicate(existing: StoredMessage, cmd: MessageSendCommand): DuplicateDecision {
  const same =
    existing.conversationId === cmd.conversationId.toLowerCase() &&
    existing.senderUserId === cmd.senderUserId.toLowerCase() &&
    existing.senderDeviceId === cmd.senderDeviceId.toLowerCase();
  return same ? 'republish' : 'conflict';
}
