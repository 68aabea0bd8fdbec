/**
 * The receiver's side of a sender-key chain, with out-of-order delivery.
 *
 * `messageKeyFor(i)` only computes; nothing changes until the caller, having authenticated the message with that
 * key (AEAD tag and signature), calls `commit()`. A forged message with a far-ahead index therefore cannot move
 * the chain or flush the skipped-key cache, and a replayed message finds its key gone on the second commit.
 *
 * - i >= chain index: the chain is advanced (at most MAX_CHAIN_JUMP ahead); on commit, the keys of the indices
 *   passed over go into the skipped-key cache and the chain moves to i + 1.
 * - i < chain index: the key must be in the skipped-key cache; commit removes it (one use).
 * - Two pending keys computed from the same chain position: the first commit wins, the second throws
 *   ChainStateConflictError and the caller asks again (its key is then found in the cache).
 *
 * A jump costs one HMAC step per index (a 5000-index jump is a fraction of a second of CPU), so protocol code
 * should check the sender's signature over the message before asking for its key: then only the real sender,
 * not anyone who can put a frame on the wire, can make a receiver compute long jumps.
 */
import { advanceChain, CHAIN_KEY_BYTES, chainState, MAX_CHAIN_INDEX, stepChain, type ChainState, type IndexedMessageKey } from './chain';
import { ChainStateConflictError, MessageKeyUnavailableError } from './errors';
import { MAX_SKIPPED_MESSAGE_KEYS, SkippedMessageKeys } from './skipped-message-keys';
import { ownBytesOfLength } from './webcrypto';

/** A message key that is not yet consumed. Accept the message only after `commit()` returned. */
export interface PendingMessageKey extends IndexedMessageKey {
  /** Consume the key. Throws MessageKeyUnavailableError (already used) or ChainStateConflictError. */
  commit(): void;
}

/** What to store to resume a receiving chain: its position and the skipped keys it holds, oldest first. */
export interface ReceivingChainState extends ChainState {
  readonly skipped: readonly IndexedMessageKey[];
}

export class ReceivingChain {
  private state: ChainState;
  private readonly skipped: SkippedMessageKeys;

  /** Start from a chain position received from the sender (its index and chain key). */
  constructor(start: ChainState, skippedCapacity: number = MAX_SKIPPED_MESSAGE_KEYS) {
    this.state = chainState(start.index, start.chainKey);
    this.skipped = new SkippedMessageKeys(skippedCapacity);
  }

  /**
   * Resume from stored state. Skipped keys must lie below the chain index (they are the indices passed over);
   * anything else is refused, so a stored state cannot smuggle in a key for an index the chain has not reached.
   */
  static restore(state: ReceivingChainState, skippedCapacity: number = MAX_SKIPPED_MESSAGE_KEYS): ReceivingChain {
    const chain = new ReceivingChain(state, skippedCapacity);
    for (const s of state.skipped) {
      if (!Number.isSafeInteger(s.index) || s.index < 0 || s.index >= chain.state.index) throw new MessageKeyUnavailableError(s.index, 'index-out-of-range');
      chain.skipped.put(s.index, ownBytesOfLength(s.messageKey, CHAIN_KEY_BYTES, 'skipped message key'));
    }
    return chain;
  }

  /** A copy of the state to store (position and skipped keys); `restore` takes it back. */
  exportState(): ReceivingChainState {
    return { index: this.state.index, chainKey: new Uint8Array(this.state.chainKey), skipped: this.skipped.entries() };
  }

  /** The lowest index that has never been reached; smaller indices are only in the skipped-key cache, if at all. */
  get index(): number {
    return this.state.index;
  }

  /** How many skipped message keys are held. */
  get skippedCount(): number {
    return this.skipped.size;
  }

  /** Compute the key of `index` without consuming it; see the module comment. */
  async messageKeyFor(index: number): Promise<PendingMessageKey> {
    if (!Number.isSafeInteger(index) || index < 0 || index > MAX_CHAIN_INDEX) throw new MessageKeyUnavailableError(index, 'index-out-of-range');
    if (index < this.state.index) {
      const messageKey = this.skipped.get(index);
      if (!messageKey) throw new MessageKeyUnavailableError(index, 'already-used-or-evicted');
      return {
        index,
        messageKey,
        commit: () => {
          if (!this.skipped.take(index)) throw new MessageKeyUnavailableError(index, 'already-used-or-evicted');
        },
      };
    }
    const from = this.state;
    const { state: at, skipped } = await advanceChain(from, index, { collectSkipped: true });
    const { messageKey, nextChainKey } = await stepChain(at.chainKey);
    return {
      index,
      messageKey,
      commit: () => {
        if (this.state !== from) throw new ChainStateConflictError('the chain moved since this key was computed; ask again');
        for (const s of skipped.slice(-this.skipped.capacity)) this.skipped.put(s.index, s.messageKey);
        this.state = { index: index + 1, chainKey: nextChainKey };
      },
    };
  }
}
