import { summarize, type RunResult } from './stats';

/**
 * Closed-loop load: `concurrency` workers each run `step` back to back for `seconds`; the result has requests per
 * second and latency percentiles. A worker's `setup` runs before the clock starts (log in, say).
 */
export async function closedLoop<S>(opts: {
  name: string;
  concurrency: number;
  seconds: number;
  setup: (worker: number) => Promise<S>;
  step: (state: S) => Promise<void>;
}): Promise<RunResult & { errors: number }> {
  const states = await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => opts.setup(i)));
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + opts.seconds * 1000;
  await Promise.all(
    states.map(async (state) => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await opts.step(state);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { ...summarize(opts.name, latencies, seconds), errors };
}
