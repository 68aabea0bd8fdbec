import WebSocket from 'ws';
import { ServerFrame, WS_PATH } from '@cipherlink/proto';
import { createLogger, runServices, type RunningServices } from '@cipherlink/kit';
import { createGatewayService, loadGatewayConfig } from '../src';

/** The gateway in this process (on the real NATS and Redis), and WebSocket clients that record what it sends. */

const logger = createLogger({ name: 'gateway-test', level: 'silent' });

export interface GatewayUnderTest {
  running: RunningServices;
  url: string;
  wsUrl: string;
}

/** Start a gateway on a free port; `env` overrides its configuration (NATS_URL and REDIS_URL come from the environment). */
export async function startGateway(env: Record<string, string> = {}): Promise<GatewayUnderTest> {
  const config = loadGatewayConfig({ NATS_URL: process.env.NATS_URL, REDIS_URL: process.env.REDIS_URL, ...env });
  const running = await runServices({ services: [createGatewayService(config, { logger })], logger, host: '127.0.0.1', port: 0, migrate: false });
  return { running, url: running.url, wsUrl: running.url.replace(/^http/, 'ws') + WS_PATH };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A WebSocket client that records every frame and the close, with waits that time out. */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  /** Resolves on close, with the time the close arrived. */
  readonly closed: Promise<{ code: number; reason: string; at: number }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(ServerFrame.parse(JSON.parse(data.toString()))));
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })));
    ws.on('error', () => undefined);
  }

  static async open(url: string): Promise<TestSocket> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new TestSocket(ws);
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Send the `auth` frame for `token` on `deviceId`. */
  authenticate(token: string, deviceId: string, id?: string): void {
    this.send({ type: 'auth', token, deviceId, ...(id ? { id } : {}) });
  }

  /** The first recorded frame of `type` matching `pred`; waits for it up to `ms`. */
  async next<T extends ServerFrame['type']>(
    type: T,
    pred: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    ms = 5_000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.frames.find((f) => f.type === type && pred(f as Extract<ServerFrame, { type: T }>));
      if (hit) return hit as Extract<ServerFrame, { type: T }>;
      if (Date.now() > deadline) throw new Error(`no ${type} frame within ${ms} ms; got ${JSON.stringify(this.frames)}`);
      await sleep(10);
    }
  }

  count(type: ServerFrame['type']): number {
    return this.frames.filter((f) => f.type === type).length;
  }

  /** Send a ping and wait for its pong: the socket is open and served. */
  async stillServing(): Promise<void> {
    const before = this.count('pong');
    this.send({ type: 'ping' });
    await this.next('pong', () => this.count('pong') > before);
  }

  close(): void {
    this.ws.close();
  }
}

/** Open a socket and authenticate it with `token` on `deviceId`; resolves once `ready` arrives. */
export async function readySocket(wsUrl: string, token: string, deviceId: string): Promise<TestSocket> {
  const socket = await TestSocket.open(wsUrl);
  socket.authenticate(token, deviceId);
  await socket.next('ready');
  return socket;
}
