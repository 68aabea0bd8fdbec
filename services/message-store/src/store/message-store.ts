import type { KeyPackage, KeyPackageUpload, MessageSendCommand, StoredMessage } from '@cipherlink/proto';

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

/** Sender-key distributions of one sender for one conversation and epoch, one per (distinct) recipient device. */
export interface KeyPackageBatch {
  conversationId: string;
  epoch: number;
  senderUserId: string;
  senderDeviceId: string;
  packages: readonly KeyPackageUpload[];
}

/** One page of a device's key packages, ordered by seq ascending. */
export interface KeyPackagePage {
  packages: KeyPackage[];
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
  /**
   * Store a batch of key packages: each gets its recipient device's next seq (1, 2, 3, ... per device). Returns the
   * stored packages in the batch's order. Recipients within a batch are distinct.
   */
  storeKeyPackages(batch: KeyPackageBatch): Promise<KeyPackage[]>;
  /** A device's packages with seq > `afterSeq`, at most `limit`, ordered by seq. */
  keyPackages(deviceId: string, afterSeq: number, limit: number): Promise<KeyPackagePage>;
  /** Delete key packages stored before `olderThan`; returns how many. */
  purgeKeyPackages(olderThan: Date): Promise<number>;
  /** Rejects when the backing database is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
