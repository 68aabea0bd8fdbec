/**
 * The messages a receiver accepted under one sender key, by message id and chain index, so a replay is named as
 * one. Bounded (oldest forgotten first): a replay older than the window is still refused, because its chain index
 * was consumed, only with the code 'key-unavailable' instead of 'replay'.
 */
export const MAX_SEEN_MESSAGES = 10_000;

export class SeenMessages {
  /** message id -> chain index, in acceptance order. */
  private readonly byId = new Map<string, number>();
  private readonly indices = new Set<number>();

  constructor(readonly capacity: number = MAX_SEEN_MESSAGES) {}

  hasId(messageId: string): boolean {
    return this.byId.has(messageId);
  }

  hasIndex(chainIndex: number): boolean {
    return this.indices.has(chainIndex);
  }

  /** [message id, chain index] pairs, oldest first (for storage; `add` them back in this order to restore). */
  entries(): [string, number][] {
    return [...this.byId];
  }

  add(messageId: string, chainIndex: number): void {
    this.byId.set(messageId, chainIndex);
    this.indices.add(chainIndex);
    while (this.byId.size > this.capacity) {
      const oldest = this.byId.entries().next();
      if (oldest.done) break;
      this.byId.delete(oldest.value[0]);
      this.indices.delete(oldest.value[1]);
    }
  }
}
