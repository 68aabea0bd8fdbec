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
 * not anyone who can put a frame on the wire, can make a receiver compute long jumps. `messageKeyWithoutWalk`
 * serves the keys that need no walk (a skipped key, or the next index, whose step the chain computes ahead once
 * it is in use), so the caller may try those before the signature is checked, concurrently with it.
 */
import { importAesGcmKey } from './aead';
import {
  advanceChain,
  CHAIN_KEY_BYTES,
  chainState,
  MAX_CHAIN_INDEX,
  StepAhead,
  stepChain,
  type ChainState,
  type IndexedMessageKey,
} from './chain';
import { ChainStateConflictError, MessageKeyUnavailableError } from './errors';
import { MAX_SKIPPED_MESSAGE_KEYS, SkippedMessageKeys } from './skipped-message-keys';
import { ownBytesOfLength, type Bytes } from './webcrypto';

/** A message key that is not yet consumed. Accept the message only after `commit()` returned. */
export interface PendingMessageKey extends IndexedMessageKey {
  /** The message key as a non-extractable AES-256-GCM key (imported ahead for the next index, else on first call). */
  aesKey(): Promise<CryptoKey>;
  /**
   * Consume the key. Throws MessageKeyUnavailableError (already used) or ChainStateConflictError. `nextWaiting`:
   * the caller already holds the next message, so the chain computes the next step at once, not in the background.
   */
  commit(nextWaiting?: boolean): void;
}

/** What to store to resume a receiving chain: its position and the skipped keys it holds, oldest first. */
export interface ReceivingChainState extends ChainState {
  readonly skipped: readonly IndexedMessageKey[];
}

export class ReceivingChain {
  private state: ChainState;
  private readonly skipped: SkippedMessageKeys;
  /**
   * The step at `state.index`, computed ahead. Started only once a key of this chain was committed (a chain in use),
   * so restoring many idle chains starts no work; replaced whenever the state moves.
   */
  private ahead: StepAhead | undefined;

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
    checkIndex(index);
    const near = this.messageKeyWithoutWalk(index);
    if (near) return near;
    if (index < this.state.index) throw new MessageKeyUnavailableError(index, 'already-used-or-evicted');
    const from = this.state;
    const { state: at, skipped } = await advanceChain(from, index, { collectSkipped: true });
    const { messageKey, nextChainKey } = await stepChain(at.chainKey);
    return this.pending(index, messageKey, undefined, (nextWaiting) => {
      if (this.state !== from) throw new ChainStateConflictError('the chain moved since this key was computed; ask again');
      for (const s of skipped.slice(-this.skipped.capacity)) this.skipped.put(s.index, s.messageKey);
      this.moveTo({ index: index + 1, chainKey: nextChainKey }, nextWaiting);
    });
  }

  /**
   * The key of `index` if it needs no chain walk: a key held in the skipped-key cache, or the key of the next
   * index (`index === this.index`), whose single step is computed ahead anyway. Undefined for anything else (a
   * used or evicted index, or one further ahead: ask `messageKeyFor`, after authenticating the message). Nothing
   * is consumed until `commit()`, as with `messageKeyFor`.
   */
  messageKeyWithoutWalk(index: number): Promise<PendingMessageKey> | undefined {
    checkIndex(index);
    if (index < this.state.index) {
      const messageKey = this.skipped.get(index);
      if (!messageKey) return undefined;
      return Promise.resolve(
        this.pending(index, messageKey, undefined, () => {
          if (!this.skipped.take(index)) throw new MessageKeyUnavailableError(index, 'already-used-or-evicted');
        }),
      );
    }
    if (index !== this.state.index) return undefined;
    const from = this.state;
    if (this.ahead?.from !== from) this.ahead = StepAhead.start(from, true);
    const ahead = this.ahead!;
    return ahead.step().then(
      (step) =>
        // A copy: several pending keys may come from one step computed ahead.
        this.pending(index, new Uint8Array(step.messageKey), step.aesKey, (nextWaiting) => {
          if (this.state !== from) throw new ChainStateConflictError('the chain moved since this key was computed; ask again');
          this.moveTo({ index: index + 1, chainKey: step.nextChainKey }, nextWaiting);
        }),
      (err: unknown) => {
        if (this.ahead === ahead) this.ahead = undefined; // a failed step is computed again next time
        throw err;
      },
    );
  }

  /** Move the chain and compute the step of the new next index ahead (at once if that message already waits). */
  private moveTo(state: ChainState, nextWaiting = false): void {
    this.state = state;
    this.ahead = StepAhead.start(state, nextWaiting);
  }

  private pending(index: number, messageKey: Bytes, aesKey: Promise<CryptoKey> | undefined, commit: (nextWaiting?: boolean) => void): PendingMessageKey {
    let key = aesKey;
    return {
      index,
      messageKey,
      aesKey: () => (key ??= importAesGcmKey(messageKey)),
      commit,
    };
  }
}

function checkIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_CHAIN_INDEX) throw new MessageKeyUnavailableError(index, 'index-out-of-range');
}
