/**
 * A key -> set-of-members index that reports when a key gains its first member or loses its last one. Those two
 * transitions are exactly when a gateway must subscribe to, or unsubscribe from, a NATS subject: the size of a
 * key's set is its reference count.
 */
export class SetIndex {
  private readonly sets = new Map<string, Set<string>>();

  /** Add `member` under `key`; true when `key` had no members before (first reference). */
  add(key: string, member: string): boolean {
    let set = this.sets.get(key);
    const first = set === undefined;
    if (!set) this.sets.set(key, (set = new Set()));
    set.add(member);
    return first;
  }

  /** Remove `member` from `key`; true when that removed the last member (the key is gone). */
  delete(key: string, member: string): boolean {
    const set = this.sets.get(key);
    if (!set || !set.delete(member)) return false;
    if (set.size > 0) return false;
    this.sets.delete(key);
    return true;
  }

  has(key: string, member: string): boolean {
    return this.sets.get(key)?.has(member) ?? false;
  }

  /** A snapshot of the members of `key` (safe to iterate while the index changes). */
  members(key: string): string[] {
    return [...(this.sets.get(key) ?? [])];
  }

  /** Number of members of `key` (its reference count). */
  count(key: string): number {
    return this.sets.get(key)?.size ?? 0;
  }

  /** Every key with at least one member. */
  keys(): string[] {
    return [...this.sets.keys()];
  }
}
