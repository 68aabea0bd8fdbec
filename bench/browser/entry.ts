/**
 * The page side of bench/crypto-browser.bench.ts: bundled by esbuild, served from 127.0.0.1 (a secure context, so
 * Web Crypto is available) and driven by Playwright, which calls these functions and reads their results.
 * `/verify-worker.js` is bench/browser/verify-worker.ts, bundled beside it; `/baseline.js`, when the run compares
 * with an earlier revision, that revision's crypto/v1/index.ts.
 */
import { SignatureVerifierPool } from '../../web/client/src/crypto/v1/index';
import { runHistoryBench, type HistoryBenchOptions } from './history';
import { runMessageBench, type MessageBenchOptions, type V1Module } from './message-cases';

export interface BrowserBench {
  messages(options: MessageBenchOptions): ReturnType<typeof runMessageBench>;
  history(options: HistoryBenchOptions): ReturnType<typeof runHistoryBench>;
}

/** A pool of verifier workers, each answering once before it counts as started. */
async function workerPool(count: number): Promise<SignatureVerifierPool> {
  const workers = Array.from({ length: count }, () => new Worker('/verify-worker.js', { type: 'module' }));
  await Promise.all(workers.map((w) => new Promise((ready) => w.addEventListener('message', ready, { once: true }))));
  return new SignatureVerifierPool(workers);
}

/** The earlier revision's v1, bundled by the runner as /baseline.js (a variable URL: the bundler leaves it alone). */
async function loadBaseline(label: string | undefined): Promise<{ label: string; v1: V1Module } | undefined> {
  if (!label) return undefined;
  const url = '/baseline.js';
  return { label, v1: (await import(url)) as V1Module };
}

const bench: BrowserBench = {
  messages: async (options) => runMessageBench(options, await loadBaseline(options.baseline)),
  history: (options) => runHistoryBench(options, workerPool),
};
(globalThis as { cipherlinkBench?: BrowserBench }).cipherlinkBench = bench;
