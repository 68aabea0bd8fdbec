import type { DecryptedMessage } from './types';

/**
 * The local copy of one conversation: messages by id (dedupe), and `lastSeq`, the highest sequence number up to
 * which this client has every message (the `afterSeq` of the next history fetch).
 */
export class ConversationLog {
  lastSeq = 0;
  private readonly byId = new Map<string, DecryptedMessage>();

  get(id: string): DecryptedMessage | undefined {
    return this.byId.get(id);
  }

  put(message: DecryptedMessage): void {
    this.byId.set(message.id, message);
  }

  /** Stored messages by seq; pending ones (seq 0) last, in id (creation) order. */
  list(): DecryptedMessage[] {
    return [...this.byId.values()].sort((a, b) => {
      const sa = a.seq || Number.MAX_SAFE_INTEGER;
      const sb = b.seq || Number.MAX_SAFE_INTEGER;
      return sa - sb || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
  }
}
