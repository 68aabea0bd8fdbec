/**
 * Benchmark in Chromium: GitHub issue 4's (a) 1 KiB encrypt+decrypt beside a bare AES-GCM call, and (b) decrypting
 * and indexing 10,000 history messages, both inside a real page. A measurement, not a test: it never fails on a
 * slow machine.
 *
 *   node_modules/.bin/tsx bench/crypto-browser.bench.ts
 *     BENCH_SECONDS=1 (per case and round), BENCH_ROUNDS=5, BENCH_SPACED=200 (messages per case and round, spaced
 *     mode), BENCH_BASELINE=0baa0fc (earlier revision for a before/after row; "none" for none),
 *     HISTORY_MESSAGES=10000, HISTORY_RUNS=5, CHROMIUM_PATH=/usr/bin/chromium
 *
 * bench/browser/entry.ts is bundled with esbuild and served with a blank page from a node:http server on
 * 127.0.0.1 (a secure context: Web Crypto works; cross-origin isolated, so performance.now() has 5 µs resolution), with bench/browser/verify-worker.ts as /verify-worker.js for the
 * signature verifier pool variants of (b); Debian's Chromium is launched headless through playwright-core
 * with the flags test/e2e/browser.ts uses; the page runs bench/browser/message-cases.ts (the same cases as
 * bench/crypto.bench.ts) and bench/browser/history.ts. Prints markdown tables and writes
 * bench/results/crypto-browser-latest.json.
 */
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from '../test/e2e/browser';
import type { BrowserBench } from './browser/entry';
import { baselineRevision, withBaseline } from './browser/baseline-source';
import { historyTable, type HistoryBenchOptions } from './browser/history';
import { CASE_NAMES, messageOptionsFromEnv, messageTable, type MessageBenchOptions } from './browser/message-cases';

const root = resolve(import.meta.dirname, '..');
const messageOptions: MessageBenchOptions = messageOptionsFromEnv(process.env);
const historyOptions: HistoryBenchOptions = {
  messages: Number(process.env.HISTORY_MESSAGES ?? 10_000),
  senders: 3,
  runs: Number(process.env.HISTORY_RUNS ?? 5),
  variants: [
    [256, 0, 'linked'],
    [256, 0, 'each'],
    [256, 2, 'each'],
    [256, -1, 'each'],
  ],
};

async function bundle(entryPoint: string): Promise<string> {
  const out = await build({
    entryPoints: [entryPoint],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: false,
    write: false,
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}

/** Cross-origin isolation: without it Chromium coarsens performance.now() to 100 µs, too coarse for one message. */
const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

async function serve(scripts: Record<string, string>): Promise<Server> {
  const server = createServer((req, res) => {
    const script = scripts[req.url ?? ''];
    if (script !== undefined) {
      res.writeHead(200, { ...ISOLATED, 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(script);
    } else if (req.url === '/') {
      res.writeHead(200, { ...ISOLATED, 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><meta charset="utf-8"><title>CipherLink crypto bench</title><script type="module" src="/bench.js"></script>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

async function main(): Promise<void> {
  const scripts: Record<string, string> = {
    '/bench.js': await bundle(join(root, 'bench', 'browser', 'entry.ts')),
    '/verify-worker.js': await bundle(join(root, 'bench', 'browser', 'verify-worker.ts')),
  };
  const rev = baselineRevision();
  const baseline = rev ? await withBaseline(root, rev, bundle) : undefined;
  if (rev && baseline !== undefined) {
    scripts['/baseline.js'] = baseline;
    messageOptions.baseline = rev;
  }
  const server = await serve(scripts);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => 'cipherlinkBench' in globalThis);
    const isSecure = await page.evaluate(() => globalThis.isSecureContext);
    if (!(await page.evaluate(() => globalThis.crossOriginIsolated))) console.warn('the page is not cross-origin isolated: spaced timings are coarse');
    const userAgent = await page.evaluate(() => navigator.userAgent);
    const load = loadavg().map((x) => Number(x.toFixed(2)));
    type PageGlobals = { cipherlinkBench: BrowserBench };
    const rows = await page.evaluate((opts) => (globalThis as unknown as PageGlobals).cipherlinkBench.messages(opts), messageOptions);
    const history = await page.evaluate((opts) => (globalThis as unknown as PageGlobals).cipherlinkBench.history(opts), historyOptions);
    const cpu = cpus()[0]?.model ?? 'unknown';
    console.log(`${browser.version()} (${userAgent.includes('Headless') ? 'headless' : 'headed'}, secure context: ${isSecure}), ${availableParallelism()} cores (${cpu}), load average ${load.join(' ')}`);
    console.log(`(a) ${messageOptions.rounds} rounds; back-to-back ${messageOptions.seconds}s per case and round; spaced: ${messageOptions.spacedMessages} messages per case and round\n`);
    console.log(messageTable(rows));
    const v1 = rows.find((r) => r.name === CASE_NAMES.v1)!;
    console.log(
      `\nTarget "within 2x of the bare call": back-to-back ${v1.costVsBare <= 2 ? 'met' : 'NOT met'} (${v1.costVsBare}x), spaced ${v1.spacedCostVsBare <= 2 ? 'met' : 'NOT met'} (${v1.spacedCostVsBare}x).`,
    );
    console.log(`\n(b) plaintexts ${history.plaintextBytes.min}-${history.plaintextBytes.max} bytes (mean ${history.plaintextBytes.mean}); generating them took ${history.generateMs} ms (not timed below)\n`);
    console.log(historyTable(history));
    // The product's configuration: decryptHistory's defaults (links, local Web Crypto), no workers.
    const product = history.medians.find((m) => m.verifierWorkers === 0 && m.signatures === 'linked')!;
    console.log(
      `\nTarget "under one second": ${product.totalMs < 1000 ? 'met' : 'NOT met'} (${product.totalMs} ms with decryptHistory's defaults: links, signatures on the page thread); "meeting tomorrow" finds ${history.searchHits} messages.`,
    );

    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(
      join(root, 'bench', 'results', 'crypto-browser-latest.json'),
      `${JSON.stringify({ at: new Date().toISOString(), browser: browser.version(), userAgent, cores: availableParallelism(), cpu, loadAverageAtStart: load, messageOptions, messageBytes: 1024, rows, history }, null, 2)}\n`,
    );
  } finally {
    await browser.close();
    await new Promise<void>((done) => server.close(() => done()));
  }
}

await main();
