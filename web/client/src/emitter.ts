import type { Unsubscribe } from './types';

/**
 * A tiny typed event emitter. A listener that throws never breaks the SDK's event loop: the error is reported by
 * name only (listener errors may carry message text) and the other listeners still run.
 */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(e: never) => void>>();

  on<K extends keyof Events>(event: K, fn: (e: Events[K]) => void): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as (e: never) => void);
    return () => void set.delete(fn as (e: never) => void);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) {
      try {
        (fn as (e: Events[K]) => void)(payload);
      } catch (err) {
        console.error(`[cipherlink] a '${String(event)}' listener threw`, err instanceof Error ? err.name : typeof err);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
