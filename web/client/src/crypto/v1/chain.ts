/**
 * The sender-key symmetric ratchet (Signal's construction for sender keys and chain keys):
 *
 *   messageKey_i   = HMAC-SHA-256(chainKey_i, 0x01)
 *   chainKey_{i+1} = HMAC-SHA-256(chainKey_i, 0x02)
 *
 * A sender keeps one chain per sender key and uses each index once; receivers hold a copy of the chain at some
 * index and can move it forward but never back. Because HMAC is one-way, a chain key at index i reveals nothing
 * about the message keys before i: a device that deletes used keys keeps earlier messages safe (forward secrecy
 * within the chain). Each 32-byte message key is used as the AES-256-GCM key of exactly one message, imported
 * as is (no per-message KDF; see outbound-sender-key.ts and docs/protocol-v1.md for why that is sound).
 *
 * One step is one HMAC key import of the chain key and the two HMACs run concurrently. Both sides look one step
 * ahead (`prepareChainStep`): as soon as index i is handed out or consumed, the step for index i + 1 (its message
 * key, already imported as the AES-256-GCM key, and the chain key after it) is computed in the background, so the
 * next message finds its key ready and pays only AES-GCM and ECDSA on its critical path. This costs no forward
 * secrecy: that step is derived from the current chain key, which the device holds anyway, and used keys are still
 * dropped at once.
 *
 * This file holds the pure steps and the sending side; `receiving-chain.ts` adds out-of-order delivery.
 */
import { importAesGcmKey } from './aead';
import { MessageKeyUnavailableError } from './errors';
import { hmacSha256Each } from './hmac';
import { randomBytes } from './random';
import { inputBytesOfLength, ownBytesOfLength, type Bytes } from './webcrypto';

export const CHAIN_KEY_BYTES = 32;
/** Highest usable index; a sender must start a new sender key before its chain gets here. */
export const MAX_CHAIN_INDEX = 0xffff_ffff;
/** Furthest a receiver moves its chain in one step (a larger gap is refused, not computed). */
export const MAX_CHAIN_JUMP = 5000;

const MESSAGE_KEY_CONSTANT = Uint8Array.of(0x01);
const CHAIN_KEY_CONSTANT = Uint8Array.of(0x02);

/** A chain positioned at `index`: `chainKey` is chainKey_index, the key that yields messageKey_index. */
export interface ChainState {
  readonly index: number;
  readonly chainKey: Bytes;
}

/** A message key with the chain index it belongs to. */
export interface IndexedMessageKey {
  readonly index: number;
  readonly messageKey: Bytes;
}

/** A fresh random chain key (the start of a new sender key). */
export function generateChainKey(): Bytes {
  return randomBytes(CHAIN_KEY_BYTES);
}

/** Check and copy a chain state that came from storage or from another device. */
export function chainState(index: number, chainKey: Uint8Array): ChainState {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_CHAIN_INDEX) throw new MessageKeyUnavailableError(index, 'index-out-of-range');
  return { index, chainKey: ownBytesOfLength(chainKey, CHAIN_KEY_BYTES, 'chain key') };
}

/** One ratchet step: messageKey_i and chainKey_{i+1} from chainKey_i. */
export async function stepChain(chainKey: Uint8Array): Promise<{ messageKey: Bytes; nextChainKey: Bytes }> {
  const [messageKey, nextChainKey] = await hmacSha256Each(inputBytesOfLength(chainKey, CHAIN_KEY_BYTES, 'chain key'), [MESSAGE_KEY_CONSTANT, CHAIN_KEY_CONSTANT]);
  return { messageKey: messageKey!, nextChainKey: nextChainKey! };
}

/** One step computed ahead for the message at `index`: its key as bytes and as an AES-256-GCM CryptoKey. */
export interface PreparedChainStep {
  readonly index: number;
  readonly messageKey: Bytes;
  /** chainKey_{index + 1}. */
  readonly nextChainKey: Bytes;
  /** `messageKey` imported as a non-extractable AES-256-GCM key (the import starts as soon as the HMACs are done). */
  readonly aesKey: Promise<CryptoKey>;
}

/**
 * The step for the message at `state.index`: stepChain, then the message key's AES import is started and not
 * awaited, so the caller can start the next step (or use the key) while the import runs.
 */
export async function prepareChainStep(state: ChainState): Promise<PreparedChainStep> {
  const { messageKey, nextChainKey } = await stepChain(state.chainKey);
  const aesKey = importAesGcmKey(messageKey);
  // Whoever uses the key awaits it and sees a failure; a step computed ahead and then dropped must not leave an
  // unhandled rejection behind.
  aesKey.catch(() => undefined);
  return { index: state.index, messageKey, nextChainKey, aesKey };
}

/** A message key as the AES-256-GCM key of its one message. */
export interface IndexedAesKey {
  readonly index: number;
  readonly key: CryptoKey;
}

export interface AdvanceOptions {
  /** Collect the message keys of the indices passed over (for a skipped-key cache). Default false. */
  collectSkipped?: boolean;
  /** Default MAX_CHAIN_JUMP; refuses targets further ahead than this. */
  maxJump?: number;
}

/**
 * Move a chain from `state.index` to `targetIndex` (>= state.index, at most `maxJump` ahead), returning the state
 * at `targetIndex` and, if asked, the message keys of every index in between. Pure: `state` is not modified.
 * Throws MessageKeyUnavailableError for a target behind the chain, too far ahead or past MAX_CHAIN_INDEX.
 */
export async function advanceChain(
  state: ChainState,
  targetIndex: number,
  options: AdvanceOptions = {},
): Promise<{ state: ChainState; skipped: IndexedMessageKey[] }> {
  if (!Number.isSafeInteger(targetIndex) || targetIndex < 0 || targetIndex > MAX_CHAIN_INDEX) {
    throw new MessageKeyUnavailableError(targetIndex, 'index-out-of-range');
  }
  if (targetIndex < state.index) throw new MessageKeyUnavailableError(targetIndex, 'already-used-or-evicted');
  if (targetIndex - state.index > (options.maxJump ?? MAX_CHAIN_JUMP)) throw new MessageKeyUnavailableError(targetIndex, 'jump-too-large');
  const skipped: IndexedMessageKey[] = [];
  let chainKey = state.chainKey;
  for (let index = state.index; index < targetIndex; index++) {
    const step = await stepChain(chainKey);
    if (options.collectSkipped) skipped.push({ index, messageKey: step.messageKey });
    chainKey = step.nextChainKey;
  }
  return { state: { index: targetIndex, chainKey }, skipped };
}

/**
 * The sender's side: hands out each index once, in order. Calls are serialised, so concurrent senders never get
 * the same index. After each index it prepares the next one in the background (see the module comment).
 */
export class SendingChain {
  private state: ChainState;
  /** The step for `state.index`, computed ahead; undefined until the first message (and after a failure). */
  private ahead: StepAhead | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  /** Calls of `take` not finished yet (the one running included). */
  private waiting = 0;

  constructor(state: ChainState) {
    this.state = chainState(state.index, state.chainKey);
  }

  /** A new chain at index 0 with a random chain key. */
  static create(): SendingChain {
    return new SendingChain({ index: 0, chainKey: generateChainKey() });
  }

  /** The index the next message will use. */
  get index(): number {
    return this.state.index;
  }

  /** The current position, to give a new recipient (they can read from here on, nothing earlier). */
  snapshot(): ChainState {
    return chainState(this.state.index, this.state.chainKey);
  }

  /** The key for the next message, as bytes; the chain has moved past it when the promise resolves. */
  async nextMessageKey(): Promise<IndexedMessageKey> {
    const step = await this.take();
    return { index: step.index, messageKey: step.messageKey };
  }

  /**
   * The key for the next message as its AES-256-GCM key (usually imported ahead already); the key bytes are wiped
   * once imported. The chain has moved past the index when the promise resolves.
   */
  async nextAesKey(): Promise<IndexedAesKey> {
    const step = await this.take();
    try {
      return { index: step.index, key: await step.aesKey };
    } finally {
      step.messageKey.fill(0);
    }
  }

  private take(): Promise<PreparedChainStep> {
    this.waiting++;
    const run = this.tail.then(async () => {
      const { index } = this.state;
      if (index >= MAX_CHAIN_INDEX) throw new MessageKeyUnavailableError(index, 'index-out-of-range');
      const pending = this.ahead?.step() ?? prepareChainStep(this.state);
      this.ahead = undefined;
      const step = await pending;
      this.state = { index: index + 1, chainKey: step.nextChainKey };
      // Another caller already waits for the next index: compute it now rather than in the background.
      this.ahead = StepAhead.start(this.state, this.waiting > 1);
      return step;
    });
    this.tail = run.catch(() => undefined).finally(() => this.waiting--);
    return run;
  }
}

/**
 * The step at one chain position, computed ahead "in the background": where the runtime has a task scheduler
 * (browsers: `scheduler.postTask`) at background priority, so it runs once the message at hand is done (browsers
 * run Web Crypto on the calling thread, so work started at once would sit on that message's critical path);
 * elsewhere (Node, whose Web Crypto runs on a thread pool) at once. Whoever needs the step first starts it, and
 * a chain that already has the next message waiting (a burst, a page of history) starts it at once: scheduling a
 * background task costs the page more than it saves then.
 */
export class StepAhead {
  private started: Promise<PreparedChainStep> | undefined;

  private constructor(readonly from: ChainState) {}

  /** Schedule the step at `state`, or start it now if `needed` (undefined past the end of the chain). */
  static start(state: ChainState, needed = false): StepAhead | undefined {
    if (state.index > MAX_CHAIN_INDEX) return undefined;
    const ahead = new StepAhead(state);
    if (needed) void ahead.step();
    else inBackground(() => void ahead.step());
    return ahead;
  }

  /** The step, started now if the background task has not run yet. */
  step(): Promise<PreparedChainStep> {
    if (!this.started) {
      this.started = prepareChainStep(this.from);
      this.started.catch(() => undefined); // seen by whoever awaits the step
    }
    return this.started;
  }
}

type PostTask = (task: () => void, options: { priority: 'background' }) => Promise<unknown>;

function inBackground(task: () => void): void {
  const scheduler = (globalThis as { scheduler?: { postTask?: PostTask } }).scheduler;
  if (typeof scheduler?.postTask === 'function') scheduler.postTask(task, { priority: 'background' }).catch(() => undefined);
  else task();
}
