#!/usr/bin/env node
// `npm test`: every check, in order: lint, type-check, web build, unit, integration (real PostgreSQL, Redis, NATS)
// and browser end-to-end tests (real Chromium). Prints one closing line: "N passed, N failed, N skipped".
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
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

/**
 * Tests get a NATS server of their own (a real nats-server with JetStream on a free port, state in a temp dir), so
 * a development stack on the machine's shared NATS (`npm start`) and a test run never consume each other's
 * JetStream work queue. Set NATS_URL to use another server instead.
 */
async function startIsolatedNats() {
  if (process.env.NATS_URL) return undefined;
  const bin = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));
  if (!bin) {
    console.log('nats-server not found: tests use the shared NATS at nats://127.0.0.1:4222');
    return undefined;
  }
  const port = await new Promise((res, rej) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address();
      srv.close(() => res(p));
    });
    srv.on('error', rej);
  });
  const dir = mkdtempSync(join(tmpdir(), 'cipherlink-test-nats-'));
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((res) => {
      const sock = createConnection({ host: '127.0.0.1', port }, () => (sock.end(), res(true)));
      sock.on('error', () => res(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  process.env.NATS_URL = `nats://127.0.0.1:${port}`;
  console.log(`test NATS (JetStream) at ${process.env.NATS_URL}`);
  return () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
}

const stopNats = await startIsolatedNats();
const only = process.argv.slice(2);
const want = (step) => only.length === 0 || only.includes(step);

if (want('lint')) run('lint', 'npx', ['eslint', '.', '--max-warnings=0']);
if (want('typecheck')) run('typecheck', 'npm', ['run', 'typecheck', '--silent']);
if (want('unit')) vitest('unit');
if (want('integration')) vitest('integration');
if (want('e2e')) {
  if (run('web build', 'npm', ['run', 'build', '-w', '@cipherlink/app', '--silent'])) vitest('e2e');
}

stopNats?.();
console.log(`\nsteps failed: ${failedSteps.length ? failedSteps.join(', ') : 'none'}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length || totals.failed ? 1 : 0);
