import { MessageSearchIndex, snippetOf, type SearchOptions } from './search';
import type { DecryptedMessage, SearchResult } from './types';

type TextMessage = DecryptedMessage & { body: { kind: 'text' } };

/**
 * Full-text search over the messages this client shows, kept in step by MessageSync: every message it shows (new,
 * acknowledged, edited, decrypted late) goes through `update`, every one it stops showing through `remove`. So
 * only texts are searchable, with their latest text (MessageSync has already applied the author's edits and
 * deletes); a deleted or undecryptable message is not, and a message whose key arrives late becomes searchable
 * when it is shown. A send that failed is not searchable either (it is not part of the conversation; a retry is
 * another message). In memory only: nothing here is stored or sent; it is cleared on sign-out.
 */
export class MessageSearch {
  private readonly index = new MessageSearchIndex();
  /** The indexed messages as last shown (results show their text). */
  private readonly messages = new Map<string, TextMessage>();

  /** Messages searchable. */
  get size(): number {
    return this.messages.size;
  }

  /** A message as it is shown now: its text is (re)indexed; anything else is not searchable. */
  update(message: DecryptedMessage): void {
    if (!isText(message) || message.status === 'failed') {
      this.remove(message.id);
      return;
    }
    const before = this.messages.get(message.id);
    this.messages.set(message.id, message);
    // An ack, a reaction or a status change: same words, same place; nothing to index again.
    if (before && before.body.text === message.body.text && before.createdAt === message.createdAt) return;
    this.index.upsert({
      messageId: message.id,
      conversationId: message.conversationId,
      text: message.body.text,
      senderUserId: message.senderUserId,
      order: orderOf(message),
    });
  }

  /** A message is no longer shown. */
  remove(messageId: string): void {
    if (this.messages.delete(messageId)) this.index.remove(messageId);
  }

  /** The user left the conversation or was removed from it. */
  removeConversation(conversationId: string): void {
    const conv = conversationId.toLowerCase();
    this.index.removeConversation(conv);
    for (const [id, m] of [...this.messages]) if (m.conversationId === conv) this.messages.delete(id);
  }

  /** Forget everything (sign-out). */
  clear(): void {
    this.index.clear();
    this.messages.clear();
  }

  /**
   * Messages holding every word of `query` (each as the start of a word; case and accents ignored), newest first,
   * at most `limit` (default 50), optionally of one conversation.
   */
  query(query: string, options: SearchOptions = {}): SearchResult[] {
    const hits = this.index.search(query, {
      ...(options.conversationId !== undefined ? { conversationId: options.conversationId.toLowerCase() } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
    });
    return hits.flatMap((hit) => {
      const m = this.messages.get(hit.messageId);
      return m ? [resultOf(m, query)] : [];
    });
  }
}

function isText(message: DecryptedMessage): message is TextMessage {
  return message.body.kind === 'text';
}

/** Newest first across conversations: sequence numbers are per conversation, so the time orders hits. */
function orderOf(message: DecryptedMessage): number {
  const at = Date.parse(message.createdAt);
  return Number.isNaN(at) ? 0 : at;
}

function resultOf(m: TextMessage, query: string): SearchResult {
  const result: SearchResult = {
    messageId: m.id,
    conversationId: m.conversationId,
    senderUserId: m.senderUserId,
    mine: m.mine,
    createdAt: m.createdAt,
    text: m.body.text,
    snippet: snippetOf(m.body.text, query),
  };
  if (m.editedAt) result.editedAt = m.editedAt;
  return result;
}
