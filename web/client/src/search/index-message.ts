/**
 * Keep a MessageSearchIndex in step with decrypted protocol-v1 messages: a text message is indexed, an edit
 * replaces the text of the message it names, a delete removes it, reactions are not searchable.
 *
 * Edits and deletes count only when they come from the author of the message they name (as recorded when it was
 * indexed); anything else, including an edit of a message not indexed (yet), is ignored and reported as such, so
 * the caller can re-apply it once the original arrives.
 */
import type { DecryptedMessageV1 } from '../crypto/v1/index';
import type { MessageSearchIndex } from './message-search-index';

export type IndexOutcome = 'indexed' | 'edited' | 'deleted' | 'ignored';

/** Apply one decrypted message to the index; `order` is its sort key (sequence number or timestamp). */
export function indexDecryptedMessage(index: MessageSearchIndex, message: DecryptedMessageV1, order?: number): IndexOutcome {
  const { header, senderUserId, payload } = message;
  switch (payload.type) {
    case 'text':
      index.upsert({ messageId: header.messageId, conversationId: header.conversationId, text: payload.text, senderUserId, order });
      return 'indexed';
    case 'edit': {
      const target = index.get(payload.messageId);
      if (!target || target.conversationId !== header.conversationId || target.senderUserId !== senderUserId) return 'ignored';
      index.upsert({ messageId: payload.messageId, conversationId: target.conversationId, text: payload.text });
      return 'edited';
    }
    case 'delete': {
      const target = index.get(payload.messageId);
      if (!target || target.conversationId !== header.conversationId || target.senderUserId !== senderUserId) return 'ignored';
      index.remove(payload.messageId);
      return 'deleted';
    }
    case 'reaction':
      return 'ignored';
  }
}
