#!/usr/bin/env node
// `npm test`: every check, in order: lint, type-check, web build, unit, integration (real PostgreSQL, Redis, NATS)
// and browser end-to-end tests (real Chromium). Prints one closing line: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'test-results');
mkdirSync(out, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
let failedSteps = [];

function run(name, cmd, args, env = {}) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`--- ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (r.status !== 0) failedSteps.push(name);
  return r.status === 0;
}

function vitest(project) {
  const file = join(out, `vitest-${project}.json`);
  run(`${project} tests`, 'npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile=${file}`]);
  if (!existsSync(file)) {
    totals.failed += 1;
    return;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests ?? 0;
  totals.failed += report.numFailedTests ?? 0;
  totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that failed to load has no tests; count it as a failure.
  for (const suite of report.testResults ?? []) if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) totals.failed += 1;
}

const only = process.argv.slice(2);
const want = (step) => only.length === 0 || only.includes(step);

if (want('lint')) run('lint', 'npx', ['eslint', '.', '--max-warnings=0']);
if (want('typecheck')) run('typecheck', 'npm', ['run', 'typecheck', '--silent']);
if (want('unit')) vitest('unit');
if (want('integration')) vitest('integration');
if (want('e2e')) {
  if (run('web build', 'npm', ['run', 'build', '-w', '@cipherlink/app', '--silent'])) vitest('e2e');
}

console.log(`\nsteps failed: ${failedSteps.length ? failedSteps.join(', ') : 'none'}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length || totals.failed ? 1 : 0);
