import { randomBytes } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_PATH, WsCloseCode } from '@cipherlink/proto';
import { createLogger, runServices, type RunningServices } from '@cipherlink/kit';
import { createGatewayService, loadGatewayConfig } from '../src';

/**
 * The gateway alone on real NATS: socket lifecycle that needs no other service (upgrade handling, server pings,
 * shutdown, metrics). Message routing is covered by the full-stack test in services/runner/test/gateway.test.ts.
 */
describe('gateway lifecycle', () => {
  let running: RunningServices | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function start(env: Record<string, string> = {}): Promise<{ url: string; wsUrl: string }> {
    const logger = createLogger({ name: 'gateway-test', level: 'silent' });
    const config = loadGatewayConfig({ NATS_URL: process.env.NATS_URL, ...env });
    running = await runServices({ services: [createGatewayService(config, { logger })], logger, host: '127.0.0.1', port: 0, migrate: false });
    return { url: running.url, wsUrl: running.url.replace(/^http/, 'ws') + WS_PATH };
  }

  const open = (url: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

  /** Open a WebSocket by hand so nothing answers the server's pings (the `ws` client always would). */
  function rawUpgrade(url: string): Promise<Socket> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connectTcp(Number(port), hostname, () => {
        socket.write(
          `GET ${WS_PATH} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      socket.once('data', (chunk) => (chunk.toString().startsWith('HTTP/1.1 101') ? resolve(socket) : reject(new Error(chunk.toString()))));
      socket.once('error', reject);
    });
  }

  it('terminates a peer that does not answer pings, but keeps one that does', async () => {
    const { wsUrl } = await start({ WS_PING_MS: '150' });
    const silent = await rawUpgrade(wsUrl);
    const polite = await open(wsUrl);
    const started = Date.now();
    await new Promise<void>((resolve) => silent.once('close', () => resolve()));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(polite.readyState).toBe(WebSocket.OPEN);
    polite.close();
  });

  it('closes every socket with 1001 on shutdown and reports open sockets in /metrics', async () => {
    const { url, wsUrl } = await start();
    const sockets = await Promise.all([open(wsUrl), open(wsUrl)]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^gateway_ws_open_sockets 2$/m);
    const codes = Promise.all(sockets.map(closeCode));
    await running!.close();
    running = undefined;
    expect(await codes).toEqual([WsCloseCode.goingAway, WsCloseCode.goingAway]);
  });

  it('reports readiness of its NATS and Redis connections', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      checks: [
        { name: 'gateway:nats', ok: true },
        { name: 'gateway:redis', ok: true },
      ],
    });
  });
});
