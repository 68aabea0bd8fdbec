import { afterEach, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@cipherlink/proto';
import type { ConnectionState } from '../types';
import { NotConnectedError, SocketClient, socketUrlOf, type SocketFatalReason } from './socket-client';
import type { WebSocketLike } from './websocket-like';

const USER = '0190a6e0-0000-4000-8000-000000000001';
const DEVICE = '0190a6e0-0000-4000-8000-00000000000a';
const CONV = '0190a6e0-0000-4000-8000-0000000000c1';

/** An in-memory WebSocket the test drives by hand. */
class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const ready = { type: 'ready', userId: USER, deviceId: DEVICE, connectionId: 'c1' };

function harness() {
  FakeSocket.all = [];
  const states: ConnectionState[] = [];
  const frames: ServerFrame[] = [];
  const readies: boolean[] = [];
  const tokenCalls: (string | undefined)[] = [];
  const fatal: SocketFatalReason[] = [];
  const client = new SocketClient({
    baseUrl: 'https://chat.example/app',
    WebSocket: FakeSocket,
    deviceId: DEVICE,
    getToken: async (refused) => (tokenCalls.push(refused), refused ? 'fresh-token' : 'token'),
    onFrame: (f) => frames.push(f),
    onState: (s) => states.push(s),
    onReady: (_f, reconnect) => readies.push(reconnect),
    onFatal: (r) => fatal.push(r),
    random: () => 0,
    sendTimeoutMs: 50,
  });
  return { client, states, frames, readies, tokenCalls, fatal };
}

let current: SocketClient | undefined;
afterEach(async () => current?.close());

describe('socketUrlOf', () => {
  it('maps http(s) to ws(s) and appends /ws', () => {
    expect(socketUrlOf('https://chat.example')).toBe('wss://chat.example/ws');
    expect(socketUrlOf('http://127.0.0.1:8080/')).toBe('ws://127.0.0.1:8080/ws');
    expect(socketUrlOf('https://chat.example/app')).toBe('wss://chat.example/app/ws');
  });
});

describe('SocketClient', () => {
  it('authenticates first, ignores frames before ready, drops invalid frames, then delivers', async () => {
    const h = harness();
    current = h.client;
    h.client.start();
    await tick();
    const ws = FakeSocket.all[0]!;
    expect(ws.url).toBe('wss://chat.example/app/ws');
    ws.open();
    expect(ws.sent).toEqual([{ type: 'auth', token: 'token', deviceId: DEVICE }]);
    ws.receive({ type: 'conversation.added', conversationId: CONV });
    expect(h.frames).toEqual([]);
    ws.receive(ready);
    expect(h.client.state).toBe('open');
    expect(h.readies).toEqual([false]);
    ws.receive('not json');
    ws.receive({ type: 'message.ack', id: 'nope', conversationId: CONV, seq: 1 });
    ws.receive({ type: 'unknown' });
    ws.receive({ type: 'conversation.added', conversationId: CONV });
    expect(h.frames).toEqual([{ type: 'conversation.added', conversationId: CONV }]);
    expect(h.states).toEqual(['connecting', 'open']);
  });

  it('reconnects after a drop and reports it as a reconnect', async () => {
    const h = harness();
    current = h.client;
    h.client.start();
    await tick();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.receive(ready);
    FakeSocket.all[0]!.drop();
    expect(h.client.state).toBe('reconnecting');
    await tick(5);
    const second = FakeSocket.all[1]!;
    second.open();
    second.receive(ready);
    expect(h.readies).toEqual([false, true]);
    expect(h.states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('refreshes the token after a 4001 close, and gives up when the fresh token is refused too', async () => {
    const h = harness();
    current = h.client;
    h.client.start();
    await tick();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.drop(4001);
    await tick(5);
    FakeSocket.all[1]!.open();
    expect(FakeSocket.all[1]!.sent[0]).toMatchObject({ token: 'fresh-token' });
    expect(h.tokenCalls).toEqual([undefined, 'token']);
    FakeSocket.all[1]!.drop(4001);
    await tick(5);
    expect(h.fatal).toEqual(['refused']);
    expect(h.client.state).toBe('closed');
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('stops for good when the server revokes the session (4003)', async () => {
    const h = harness();
    current = h.client;
    h.client.start();
    await tick();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.receive(ready);
    FakeSocket.all[0]!.drop(4003);
    await tick(5);
    expect(h.fatal).toEqual(['revoked']);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('stops for good when no token can be had any more (refresh refused with 401)', async () => {
    FakeSocket.all = [];
    const fatal: SocketFatalReason[] = [];
    let calls = 0;
    const client = new SocketClient({
      baseUrl: 'https://chat.example',
      WebSocket: FakeSocket,
      deviceId: DEVICE,
      getToken: async () => {
        calls++;
        throw Object.assign(new Error('invalid refresh token'), { status: 401 });
      },
      onFrame: () => undefined,
      onState: () => undefined,
      onReady: () => undefined,
      onFatal: (r) => fatal.push(r),
      random: () => 0,
    });
    current = client;
    client.start();
    await tick(20);
    expect(fatal).toEqual(['expired']);
    expect(calls).toBe(1);
    expect(FakeSocket.all).toHaveLength(0);
    expect(client.state).toBe('closed');
  });

  it('send waits for the open socket, and fails fast with NotConnectedError after the timeout', async () => {
    const h = harness();
    current = h.client;
    h.client.start();
    await tick();
    const ws = FakeSocket.all[0]!;
    await expect(h.client.send({ type: 'ping' })).rejects.toBeInstanceOf(NotConnectedError);
    const later = h.client.send({ type: 'ping' });
    ws.open();
    ws.receive(ready);
    await later;
    expect(ws.sent.at(-1)).toEqual({ type: 'ping' });
    // Nothing sent while not open was queued behind the caller's back.
    expect(ws.sent.filter((f) => (f as { type: string }).type === 'ping')).toHaveLength(1);
  });
});
