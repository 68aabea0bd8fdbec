/**
 * Benchmark in Node: GitHub issue 4's (a) cost of protocol v1 per 1 KiB message beside a bare AES-256-GCM call,
 * same run, same process, and (b) decrypting and indexing 10,000 history messages. A measurement, not a test: it
 * never fails on a slow machine. The same cases run in Chromium through bench/crypto-browser.bench.ts.
 *
 *   node_modules/.bin/tsx bench/crypto.bench.ts
 *     BENCH_SECONDS=1 (per case and round), BENCH_ROUNDS=5, BENCH_SPACED=200 (messages per case and round, spaced
 *     mode), BENCH_BASELINE=0baa0fc (earlier revision for a before/after row; "none" for none),
 *     HISTORY_MESSAGES=10000, HISTORY_RUNS=3 (0 skips the history part)
 *
 * The cases and both timing modes (back-to-back and spaced) are described in bench/browser/message-cases.ts, the
 * history set-up in bench/browser/history.ts. Cases are interleaved round by round so drift (other processes,
 * thermal) hits all of them alike; tables show medians. Results go to bench/results/crypto-latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { baselineRevision, withBaseline } from './browser/baseline-source';
import { historyTable, runHistoryBench, type HistoryBenchOptions } from './browser/history';
import { CASE_NAMES, messageOptionsFromEnv, messageTable, runMessageBench, type MessageBenchOptions, type V1Module } from './browser/message-cases';

const root = resolve(import.meta.dirname, '..');
const messageOptions: MessageBenchOptions = messageOptionsFromEnv(process.env);
const historyOptions: HistoryBenchOptions = {
  messages: Number(process.env.HISTORY_MESSAGES ?? 10_000),
  senders: 3,
  runs: Number(process.env.HISTORY_RUNS ?? 3),
  variants: [
    [256, 0, 'linked'],
    [256, 0, 'each'],
    [256, -1, 'each'],
  ],
};

async function main(): Promise<void> {
  const load = loadavg().map((x) => Number(x.toFixed(2)));
  const rev = baselineRevision();
  // The module is loaded (and compiled) by the import, so its temporary directory can go right after.
  const baseline = rev ? await withBaseline(root, rev, async (entry) => ({ label: rev, v1: (await import(pathToFileURL(entry).href)) as V1Module })) : undefined;
  const rows = await runMessageBench(messageOptions, baseline);
  const history = historyOptions.runs > 0 ? await runHistoryBench(historyOptions) : undefined;
  const cpu = cpus()[0]?.model ?? 'unknown';
  console.log(`node ${process.version}, ${availableParallelism()} cores (${cpu}), load average ${load.join(' ')}`);
  console.log(`(a) ${messageOptions.rounds} rounds; back-to-back ${messageOptions.seconds}s per case and round; spaced: ${messageOptions.spacedMessages} messages per case and round\n`);
  console.log(messageTable(rows));
  const v1 = rows.find((r) => r.name === CASE_NAMES.v1)!;
  console.log(
    `\nTarget "within 2x of the bare call": back-to-back ${v1.costVsBare <= 2 ? 'met' : 'NOT met'} (${v1.costVsBare}x), spaced ${v1.spacedCostVsBare <= 2 ? 'met' : 'NOT met'} (${v1.spacedCostVsBare}x).`,
  );
  if (history) {
    console.log(`\n(b) plaintexts ${history.plaintextBytes.min}-${history.plaintextBytes.max} bytes (mean ${history.plaintextBytes.mean}); generating them took ${history.generateMs} ms (not timed below)\n`);
    console.log(historyTable(history));
  }
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(root, 'bench', 'results', 'crypto-latest.json'),
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cores: availableParallelism(), cpu, loadAverageAtStart: load, messageBytes: 1024, messageOptions, baseline: baseline?.label, rows, history }, null, 2)}\n`,
  );
}

await main();
