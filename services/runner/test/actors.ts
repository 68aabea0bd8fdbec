import { expect } from 'vitest';
import WebSocket from 'ws';
import { ServerFrame, WS_PATH } from '@cipherlink/proto';
import { TestHttp } from './harness';

type Frame = ServerFrame;

/** A WebSocket client that records every frame and the close code, with waits that time out. */
export class TestSocket {
  readonly frames: Frame[] = [];
  /** Resolves on close, with the time the close event arrived. */
  readonly closed: Promise<{ code: number; reason: string; at: number }>;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(ServerFrame.parse(JSON.parse(data.toString())));
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })));
    ws.on('error', () => undefined);
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    const ws = new WebSocket(url, { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return new TestSocket(ws);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first recorded frame matching `pred`; waits for it up to `ms`. */
  async next<T extends Frame['type']>(type: T, pred: (f: Extract<Frame, { type: T }>) => boolean = () => true, ms = 5_000): Promise<Extract<Frame, { type: T }>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.frames.find((f): f is Extract<Frame, { type: T }> => f.type === type && pred(f as Extract<Frame, { type: T }>));
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} frame within ${ms} ms; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      // Wake on the next frame (recorded by the listener registered first) or at the deadline.
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.ws.off('message', done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.ws.on('message', done);
      });
    }
  }

  /** Count of recorded frames of `type`. */
  count(type: Frame['type']): number {
    return this.frames.filter((f) => f.type === type).length;
  }

  /** Send a ping and wait for its pong: the socket is open and served. */
  async roundTrip(): Promise<void> {
    const before = this.count('pong');
    this.send({ type: 'ping' });
    await this.next('pong', () => this.count('pong') > before);
  }

  close(): void {
    this.ws.close(1000);
  }
}

/** A user with a registered device, signed in over REST. */
export interface TestUser {
  http: TestHttp;
  userId: string;
  username: string;
  password: string;
  sessionId: string;
  deviceId: string;
}

/** Sign up a fresh user and register a device for them. */
export async function newUser(baseUrl: string): Promise<TestUser> {
  const http = new TestHttp(baseUrl);
  const { user, password, sessionId } = await http.signUp();
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  const raw = Buffer.from(await crypto.subtle.exportKey('raw', pair.publicKey));
  // The directory learns about new accounts from an event; retry briefly until it has this one.
  for (let attempt = 0; ; attempt++) {
    const res = await http.request('PUT', '/api/directory/devices', { publicKey: raw.toString('base64url') });
    if (res.status === 201 || res.status === 200) {
      return { http, userId: user.id, username: user.username, password, sessionId, deviceId: res.body.device.id };
    }
    if (attempt > 40) throw new Error(`device registration failed: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Open (or find) the DM between two users; its id. */
export async function openDm(a: TestUser, b: TestUser): Promise<string> {
  const res = await a.http.request('POST', '/api/directory/dms', { peerUserId: b.userId });
  expect([200, 201]).toContain(res.status);
  return res.body.conversation.id as string;
}

/** The WebSocket URL of a stack. */
export const wsUrlOf = (baseUrl: string) => baseUrl.replace(/^http/, 'ws') + WS_PATH;

/** Open a socket and authenticate it with `token` (the user's current access token by default); resolves on `ready`. */
export async function connectSocket(baseUrl: string, user: TestUser, token = user.http.accessToken): Promise<TestSocket> {
  const socket = await TestSocket.open(wsUrlOf(baseUrl));
  socket.send({ type: 'auth', token, deviceId: user.deviceId });
  const ready = await socket.next('ready');
  expect(ready).toMatchObject({ userId: user.userId, deviceId: user.deviceId });
  return socket;
}
