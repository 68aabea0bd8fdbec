import type { Logger } from '@cipherlink/kit';
import type { PresenceTracker } from './presence-tracker';

export interface Sweeper {
  /** Stop the timer and wait for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * Run `tracker.sweep()` every `intervalMs`, never two at once in this process. Several instances may sweep the
 * same users concurrently: each offline transition is still announced exactly once (see the reconcile script).
 */
export function startSweeper(tracker: PresenceTracker, intervalMs: number, logger: Logger): Sweeper {
  const log = logger.child({ module: 'sweeper' });
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = tracker
      .sweep()
      .then((n) => {
        if (n > 0) log.debug({ wentOffline: n }, 'swept expired connections');
      })
      .catch((err: unknown) => log.error({ err }, 'sweep failed'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
