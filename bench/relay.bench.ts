/**
 * Benchmark: N Node clients using the SDK exchange end-to-end encrypted messages through the whole running stack
 * (gateway -> JetStream -> message-store -> PostgreSQL -> stored event -> gateway), beside a raw `ws` relay baseline
 * measured in the same run on the same machine. A measurement, not a test: it never fails on a slow machine.
 *
 *   npm run bench                     # BENCH_PAIRS=10 BENCH_MESSAGES=200 by default
 *   BENCH_URL=http://localhost:8080 npm run bench   # against a stack that is already running
 *
 * Each pair is one sender and one receiver in a DM; every sender runs a closed loop (send, wait for the ack, send
 * the next), all pairs at once. Latency is send() call -> the receiver's decrypted 'message' event. The baseline
 * does the same with plain JSON frames of the same size through a relay that only forwards.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { CipherLinkClient, MemoryKeyStore } from '@cipherlink/client';
import { freePort, startTs, stop, waitForLine, waitForReady } from './processes';
import { summarize, type RunResult } from './stats';

const root = resolve(import.meta.dirname, '..');
const PAIRS = Number(process.env.BENCH_PAIRS ?? 10);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const TEXT = 'x'.repeat(Number(process.env.BENCH_TEXT_BYTES ?? 200));
const password = 'correct horse battery staple';

async function benchStack(url: string): Promise<RunResult & { envelopeBytes: number }> {
  const run = Date.now().toString(36);
  const pairs: { sender: CipherLinkClient; receiver: CipherLinkClient; conversationId: string }[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const mk = () => new CipherLinkClient({ baseUrl: url, keyStore: new MemoryKeyStore(), WebSocket, cookieJar: true });
    const sender = mk();
    const receiver = mk();
    const [a, b] = [`bench${run}s${i}`, `bench${run}r${i}`];
    await sender.register(a, password);
    await receiver.register(b, password);
    await sender.login(a, password);
    const rs = await receiver.login(b, password);
    const dm = await sender.openDm(rs.user.id);
    pairs.push({ sender, receiver, conversationId: dm.id });
  }
  // Warm up: one message per pair (derives and caches the pairwise keys, JIT-compiles the path).
  await Promise.all(pairs.map((p) => p.sender.sendText(p.conversationId, 'warm-up')));
  await new Promise((r) => setTimeout(r, 500));

  const latencies: number[] = [];
  const started = Date.now();
  await Promise.all(
    pairs.map(async (p) => {
      const sentAt = new Map<string, number>();
      const receivedAll = new Promise<void>((resolveAll) => {
        let count = 0;
        p.receiver.on('message', (m) => {
          if (m.mine || m.body.kind !== 'text' || !m.body.text.startsWith('x')) return;
          const t0 = sentAt.get(m.body.text.slice(TEXT.length));
          if (t0 === undefined) return;
          latencies.push(performance.now() - t0);
          if (++count === MESSAGES) resolveAll();
        });
      });
      for (let i = 0; i < MESSAGES; i++) {
        const tag = `#${i}`;
        sentAt.set(tag, performance.now());
        await p.sender.sendText(p.conversationId, TEXT + tag);
      }
      await receivedAll;
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  for (const p of pairs) {
    await p.sender.close();
    await p.receiver.close();
  }
  return { ...summarize('CipherLink (SDK, E2EE, full stack)', latencies, seconds), envelopeBytes: TEXT.length };
}

async function benchRawRelay(payloadChars: number): Promise<RunResult> {
  const relay = startTs(join(root, 'bench', 'raw-relay-server.ts'), {});
  try {
    const port = Number((await waitForLine(relay, /LISTENING (\d+)/))[1]);
    const open = (id: string) =>
      new Promise<WebSocket>((res, rej) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/?id=${id}`);
        ws.once('open', () => res(ws));
        ws.once('error', rej);
      });
    const payload = 'y'.repeat(payloadChars);
    const latencies: number[] = [];
    const sockets: WebSocket[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: PAIRS }, async (_, i) => {
        const s = await open(`s${i}`);
        const r = await open(`r${i}`);
        sockets.push(s, r);
        const sentAt = new Map<string, number>();
        let count = 0;
        const receivedAll = new Promise<void>((done) =>
          r.on('message', (d) => {
            const f = JSON.parse(String(d)) as { id: string };
            latencies.push(performance.now() - sentAt.get(f.id)!);
            if (++count === MESSAGES) done();
          }),
        );
        const acks = new Map<string, () => void>();
        s.on('message', (d) => acks.get((JSON.parse(String(d)) as { id: string }).id)?.());
        for (let n = 0; n < MESSAGES; n++) {
          const id = `${i}:${n}`;
          sentAt.set(id, performance.now());
          await new Promise<void>((acked) => {
            acks.set(id, acked);
            s.send(JSON.stringify({ to: `r${i}`, id, payload }));
          });
        }
        await receivedAll;
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    for (const ws of sockets) ws.close();
    return summarize('raw ws relay (baseline)', latencies, seconds);
  } finally {
    await stop(relay);
  }
}

async function main() {
  let url = process.env.BENCH_URL;
  let stackProcess: ReturnType<typeof startTs> | undefined;
  if (!url) {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    stackProcess = startTs(join(root, 'services', 'runner', 'src', 'main.ts'), {
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      WEB_DIST: '',
      CL_PRINT_URL: 'false',
      // The limits still run (each request and frame pays its check); they are only raised above the load.
      AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_API_PER_MINUTE: '100000000',
      WS_FRAMES_PER_MINUTE: '100000000',
      WS_FRAME_BURST: '100000000',
    });
    await waitForReady(url);
  }
  try {
    console.log(`pairs=${PAIRS} messages/sender=${MESSAGES} text=${TEXT.length} B (2 cores: clients, stack and relay share them)`);
    const stack = await benchStack(url);
    // The baseline carries frames as large as CipherLink's message frames (envelope + ids), ~2x the text as base64.
    const raw = await benchRawRelay(Math.ceil(((TEXT.length + 40) * 4) / 3) + 200);
    const rows = [raw, stack];
    console.log('\n| path | messages | msg/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: | ---: |');
    for (const r of rows) console.log(`| ${r.name} | ${r.messages} | ${r.perSecond} | ${r.p50ms} | ${r.p99ms} |`);
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(
      join(root, 'bench', 'results', 'relay-latest.json'),
      JSON.stringify({ at: new Date().toISOString(), pairs: PAIRS, messagesPerSender: MESSAGES, textBytes: TEXT.length, rows }, null, 2),
    );
  } finally {
    if (stackProcess) await stop(stackProcess);
  }
}

await main();
process.exit(0);
