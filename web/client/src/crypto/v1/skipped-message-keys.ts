/**
 * A bounded cache of message keys for chain indices that were passed over (messages that have not arrived yet).
 * Each key can be taken once. When full, the oldest entries (the lowest indices, inserted first) are dropped: a
 * message delayed by more than MAX_SKIPPED_MESSAGE_KEYS later messages can no longer be decrypted.
 */
import type { Bytes } from './webcrypto';

export const MAX_SKIPPED_MESSAGE_KEYS = 2000;

export class SkippedMessageKeys {
  /** Insertion order is index order, which makes the first entry the one to evict. */
  private readonly keys = new Map<number, Bytes>();

  constructor(readonly capacity: number = MAX_SKIPPED_MESSAGE_KEYS) {}

  get size(): number {
    return this.keys.size;
  }

  has(index: number): boolean {
    return this.keys.has(index);
  }

  get(index: number): Bytes | undefined {
    return this.keys.get(index);
  }

  /** Store the key of `index`, evicting the oldest entries beyond capacity. */
  put(index: number, messageKey: Bytes): void {
    this.keys.delete(index);
    this.keys.set(index, messageKey);
    while (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next();
      if (oldest.done) break;
      this.keys.delete(oldest.value);
    }
  }

  /** Copies of every held key, oldest first (for storage; `put` them back in this order to restore). */
  entries(): { index: number; messageKey: Bytes }[] {
    return [...this.keys].map(([index, messageKey]) => ({ index, messageKey: new Uint8Array(messageKey) }));
  }

  /** Remove and return the key of `index` (undefined if absent: used already, evicted or never skipped). */
  take(index: number): Bytes | undefined {
    const key = this.keys.get(index);
    this.keys.delete(index);
    return key;
  }
}
