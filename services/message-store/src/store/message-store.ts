import type { MessageSendCommand, StoredMessage } from '@cipherlink/proto';

/** Result of {@link MessageStore.append}: the stored message and whether this call created it. */
export interface AppendResult {
  message: StoredMessage;
  /** False when a message with this id already existed (a retry): `message` is the original, seq unchanged. */
  created: boolean;
}

/** One page of a conversation's history, ordered by seq ascending. */
export interface HistoryPage {
  messages: StoredMessage[];
  /** True when more messages follow the last one returned. */
  hasMore: boolean;
}

/**
 * Ciphertext history with per-conversation sequence numbers. Adapters: PostgreSQL (default) and MongoDB; both pass
 * the same contract suite (test/store-contract.ts).
 */
export interface MessageStore {
  /** Create or upgrade tables / indexes (idempotent; run by `service.migrate()`, safe from several processes). */
  migrate(): Promise<void>;
  /**
   * Store a message idempotently by id. A new message gets the conversation's next seq (1, 2, 3, ... with no gaps
   * under concurrency); a repeated id returns the original message with `created: false` and never a new seq.
   */
  append(cmd: MessageSendCommand): Promise<AppendResult>;
  /** Messages with seq > `afterSeq`, at most `limit`, ordered by seq. */
  history(conversationId: string, afterSeq: number, limit: number): Promise<HistoryPage>;
  /** Rejects when the backing database is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
