/**
 * Benchmark: login and refresh throughput and latency through the real auth service (PostgreSQL, Redis rate
 * limiter and deny-list, NATS), beside a plain fastify hello-world route measured in the same run with the same
 * client, and the argon2id cost of one hash and one verification on its own. A measurement, never a test.
 *
 *   npm run bench:auth        # BENCH_CONCURRENCY=16 BENCH_SECONDS=8 by default
 *
 * Login is dominated by argon2id by design (OWASP parameters: m=19 MiB, t=2, p=1); refresh does no password work
 * (one locked PostgreSQL transaction, an ES256 signature). Rate limits are raised for the run (they still execute:
 * every request still pays its Redis round trip); everything else is the default configuration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { hashPassword, verifyPassword } from '@cipherlink/auth';
import { closedLoop } from './load';
import { freePort, startTs, stop, waitForLine, waitForReady } from './processes';
import { percentile, type RunResult } from './stats';

const root = resolve(import.meta.dirname, '..');
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const HASHES = Number(process.env.BENCH_HASHES ?? 20);
const PASSWORD = 'correct horse battery staple';
const ORIGIN = 'http://bench.cipherlink.test';

/** The refresh cookie a response set, if any. */
function refreshCookie(res: Response): string | undefined {
  for (const c of res.headers.getSetCookie()) {
    const m = /^cl_rt=([^;]*)/.exec(c);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function expectOk(res: Response): Promise<void> {
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
}

async function benchHello(): Promise<RunResult & { errors: number }> {
  const server = startTs(join(root, 'bench', 'hello-server.ts'), {});
  try {
    const port = Number((await waitForLine(server, /LISTENING (\d+)/))[1]);
    const url = `http://127.0.0.1:${port}/hello`;
    return await closedLoop({
      name: 'fastify hello-world (baseline)',
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      setup: async () => undefined,
      step: async () => expectOk(await fetch(url)),
    });
  } finally {
    await stop(server);
  }
}

async function benchAuth(base: string): Promise<(RunResult & { errors: number })[]> {
  const run = Date.now().toString(36);
  const users = await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      const username = `authbench${run}u${i}`;
      await expectOk(await post(`${base}/api/auth/register`, { username, password: PASSWORD }));
      return username;
    }),
  );
  const login = await closedLoop({
    name: 'POST /api/auth/login (argon2id verify)',
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    setup: async (i) => users[i]!,
    step: async (username) => expectOk(await post(`${base}/api/auth/login`, { username, password: PASSWORD })),
  });
  const refresh = await closedLoop({
    name: 'POST /api/auth/refresh (rotation)',
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    setup: async (i) => {
      const res = await post(`${base}/api/auth/login`, { username: users[i]!, password: PASSWORD });
      await expectOk(res);
      return { cookie: refreshCookie(res)! };
    },
    step: async (state) => {
      const res = await post(`${base}/api/auth/refresh`, {}, { cookie: `cl_rt=${state.cookie}` });
      await expectOk(res);
      state.cookie = refreshCookie(res) ?? state.cookie;
    },
  });
  return [login, refresh];
}

/** Sequential logins: a wrong password for an existing user beside an unknown username (no enumeration by timing). */
async function enumerationTiming(base: string): Promise<{ wrongPasswordMs: { p50: number; p99: number }; unknownUserMs: { p50: number; p99: number } }> {
  const username = `authbench${Date.now().toString(36)}timing`;
  await expectOk(await post(`${base}/api/auth/register`, { username, password: PASSWORD }));
  const wrong: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 40; i++) {
    for (const [name, into] of [[username, wrong], [`${username}nobody${i}`, unknown]] as const) {
      const t0 = performance.now();
      const res = await post(`${base}/api/auth/login`, { username: name, password: 'not the password at all' });
      await res.arrayBuffer();
      if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
      into.push(performance.now() - t0);
    }
  }
  const round = (n: number) => Number(n.toFixed(1));
  return {
    wrongPasswordMs: { p50: round(percentile(wrong, 50)), p99: round(percentile(wrong, 99)) },
    unknownUserMs: { p50: round(percentile(unknown, 50)), p99: round(percentile(unknown, 99)) },
  };
}

/** Verifications per second with CONCURRENCY in flight, in this process: the ceiling for login throughput. */
async function argon2Throughput(): Promise<number> {
  const stored = await hashPassword(PASSWORD);
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() - started < SECONDS * 500) {
        await verifyPassword(stored, 'not the password at all');
        done++;
      }
    }),
  );
  return Math.round(done / ((performance.now() - started) / 1000));
}

async function argon2Cost(): Promise<{ hashMs: { p50: number; p99: number }; verifyMs: { p50: number; p99: number } }> {
  const hashes: number[] = [];
  const verifies: number[] = [];

  for (let i = 0; i < HASHES; i++) {
    let t0 = performance.now();
    const stored = await hashPassword(`${PASSWORD} ${i}`);
    hashes.push(performance.now() - t0);
    t0 = performance.now();
    if (!(await verifyPassword(stored, `${PASSWORD} ${i}`))) throw new Error('argon2 verify failed');
    verifies.push(performance.now() - t0);
  }
  const round = (n: number) => Number(n.toFixed(1));
  return {
    hashMs: { p50: round(percentile(hashes, 50)), p99: round(percentile(hashes, 99)) },
    verifyMs: { p50: round(percentile(verifies, 50)), p99: round(percentile(verifies, 99)) },
  };
}

async function main() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const stack = startTs(join(root, 'services', 'runner', 'src', 'main.ts'), {
    CL_SERVICES: 'auth',
    HTTP_PORT: String(port),
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    WEB_DIST: '',
    CL_PRINT_URL: 'false',
    ALLOWED_ORIGINS: ORIGIN,
    AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_API_PER_MINUTE: '100000000',
  });
  try {
    await waitForReady(base);
    console.log(`concurrency=${CONCURRENCY} seconds/run=${SECONDS} cores=${availableParallelism()} (client, service, PostgreSQL and Redis share them)`);
    const argon2 = await argon2Cost();
    console.log(`argon2id (m=19 MiB, t=2, p=1), ${HASHES} runs in this process: hash p50 ${argon2.hashMs.p50} ms p99 ${argon2.hashMs.p99} ms; verify p50 ${argon2.verifyMs.p50} ms p99 ${argon2.verifyMs.p99} ms`);
    const argon2VerifyPerSecond = await argon2Throughput();
    console.log(`argon2id verify throughput with ${CONCURRENCY} in flight (no HTTP, no database): ${argon2VerifyPerSecond}/s`);
    const hello = await benchHello();
    const [login, refresh] = await benchAuth(base);
    const timing = await enumerationTiming(base);
    console.log(`login refused, 40 each, sequential: wrong password p50 ${timing.wrongPasswordMs.p50} ms p99 ${timing.wrongPasswordMs.p99} ms; unknown user p50 ${timing.unknownUserMs.p50} ms p99 ${timing.unknownUserMs.p99} ms`);
    const rows = [hello, login!, refresh!];
    console.log('\n| route | requests | req/s | p50 ms | p99 ms | errors |\n| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) console.log(`| ${r.name} | ${r.messages} | ${r.perSecond} | ${r.p50ms} | ${r.p99ms} | ${r.errors} |`);
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(
      join(root, 'bench', 'results', 'auth-latest.json'),
      JSON.stringify({ at: new Date().toISOString(), concurrency: CONCURRENCY, secondsPerRun: SECONDS, argon2, argon2VerifyPerSecond, enumerationTiming: timing, rows }, null, 2),
    );
  } finally {
    await stop(stack);
  }
}

await main();
process.exit(0);
