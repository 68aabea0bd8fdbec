/**
 * Runs tasks one at a time per key while different keys run in parallel. The command consumer uses it so that
 * commands for one conversation get their seqs in delivery order even when many handlers run at once.
 */
export interface KeyedSerializer {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Keys with queued or running tasks (for tests and metrics). */
  readonly activeKeys: number;
}

export function createKeyedSerializer(): KeyedSerializer {
  // The tail of each key's chain; removed when the last queued task settles so the map does not grow forever.
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    get activeKeys() {
      return tails.size;
    },
  };
}
