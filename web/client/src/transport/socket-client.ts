import { ServerFrame, WS_AUTH_TIMEOUT_MS, WS_PATH, WsCloseCode, type ClientFrame } from '@cipherlink/proto';
import type { ConnectionState } from '../types';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { WS_OPEN, type WebSocketConstructor, type WebSocketLike } from './websocket-like';

type ReadyFrame = Extract<ServerFrame, { type: 'ready' }>;

/**
 * Why the socket stopped for good: `revoked` (closed with 4003: the session was ended on the server), `expired`
 * (no token: the refresh was refused), `refused` (a freshly refreshed token was refused too), `device-removed`
 * (closed with 4004: this device was removed from the account or its certificate replaced; the session lives on).
 */
export type SocketFatalReason = 'revoked' | 'expired' | 'refused' | 'device-removed';

/** A send was attempted while the socket was not open and it did not open within the timeout. */
export class NotConnectedError extends Error {
  override name = 'NotConnectedError';
}

export interface SocketClientOptions {
  /** HTTP(S) base URL of the API; the socket URL is derived from it (`ws(s)://.../ws`). */
  baseUrl: string;
  WebSocket: WebSocketConstructor;
  deviceId: string;
  /** A valid access token; `refused` is the one the server just rejected (a refreshed one is wanted). */
  getToken: (refused?: string) => Promise<string>;
  /** Every validated server frame except `ready`, while open. */
  onFrame: (frame: ServerFrame) => void;
  onState: (state: ConnectionState) => void;
  /** The socket is authenticated; `reconnect` is false only for the first `ready` of this client. */
  onReady: (frame: ReadyFrame, reconnect: boolean) => void;
  /** The socket gave up for good: the server ended the session (see SocketFatalReason). */
  onFatal: (reason: SocketFatalReason) => void;
  backoff?: BackoffOptions;
  random?: () => number;
  /** How long `send` waits for an open socket. Default 10 s. */
  sendTimeoutMs?: number;
  /** Keep-alive ping interval; a socket silent for two intervals is considered dead. Default 25 s. */
  pingIntervalMs?: number;
}

/** `https://host/prefix` -> `wss://host/prefix/ws`; '' (same origin) uses the page location. */
export function socketUrlOf(baseUrl: string): string {
  const base = new URL(baseUrl || '/', (globalThis as { location?: { href: string } }).location?.href);
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  base.pathname = base.pathname.replace(/\/$/, '') + WS_PATH;
  base.search = '';
  base.hash = '';
  return base.toString();
}

/**
 * One authenticated WebSocket that reconnects by itself: AuthFrame first (the token never goes in the URL),
 * `ready` before anything else, every server frame validated with proto `ServerFrame` (invalid ones dropped),
 * reconnects with jittered exponential backoff.
 *
 * Sending never queues behind the caller's back: `send()` waits for an open socket up to `sendTimeoutMs` and
 * then rejects with NotConnectedError, so every caller learns whether its frame left.
 */
export class SocketClient {
  private ws: WebSocketLike | undefined;
  private stateValue: ConnectionState = 'idle';
  private attempt = 0;
  private everReady = false;
  /** The token of the last attempt, and the one the server refused (4001), which the next attempt replaces. */
  private lastToken: string | undefined;
  private refusedToken: string | undefined;
  private unauthorizedInARow = 0;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readyTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private lastFrameAt = 0;
  private openWaiters = new Set<() => void>();
  private readonly url: string;

  constructor(private readonly opts: SocketClientOptions) {
    this.url = socketUrlOf(opts.baseUrl);
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Start connecting (idempotent). */
  start(): void {
    if (this.stateValue !== 'idle') return;
    this.setState('connecting');
    void this.connect();
  }

  /** Serialize and send one frame once the socket is open (see class doc for the waiting policy). */
  async send(frame: ClientFrame, timeoutMs = this.opts.sendTimeoutMs ?? 10_000): Promise<void> {
    await this.whenOpen(timeoutMs);
    const ws = this.ws;
    if (!ws || ws.readyState !== WS_OPEN) throw new NotConnectedError('socket closed');
    ws.send(JSON.stringify(frame));
  }

  /** Resolves when the socket is open and authenticated; rejects after `timeoutMs` or when closed. */
  whenOpen(timeoutMs: number): Promise<void> {
    if (this.stateValue === 'open') return Promise.resolve();
    if (this.stopped) return Promise.reject(new NotConnectedError('socket closed'));
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.openWaiters.delete(done);
        if (this.stateValue === 'open') resolve();
        else reject(new NotConnectedError('socket closed'));
      };
      const timer = setTimeout(() => {
        this.openWaiters.delete(done);
        reject(new NotConnectedError(`socket not open after ${timeoutMs} ms`));
      }, timeoutMs);
      this.openWaiters.add(done);
    });
  }

  /** Close for good; no reconnect. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.teardown(WsCloseCode.normal, 'client closed');
    this.setState('closed');
  }

  private setState(state: ConnectionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.opts.onState(state);
    if (state === 'open' || state === 'closed') for (const w of [...this.openWaiters]) w();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let token: string;
    try {
      token = await this.opts.getToken(this.refusedToken);
    } catch (err) {
      // No token and no way to get one: the session is over; anything else (network) is retried.
      const status = (err as { status?: number }).status;
      if (status === 401 || status === 403) return this.fatal('expired');
      return this.scheduleReconnect();
    }
    this.lastToken = token;
    if (this.stopped) return;
    let ws: WebSocketLike;
    try {
      ws = new this.opts.WebSocket(this.url);
    } catch {
      return this.scheduleReconnect();
    }
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'auth', token, deviceId: this.opts.deviceId } satisfies ClientFrame));
    };
    ws.onmessage = (ev) => this.onMessage(ws, ev.data);
    ws.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
    ws.onclose = (ev) => this.onClose(ws, ev.code);
    // The server closes unauthenticated sockets after WS_AUTH_TIMEOUT_MS; we give up a little later ourselves.
    this.readyTimer = setTimeout(() => this.drop(ws), WS_AUTH_TIMEOUT_MS + 2_000);
  }

  private onMessage(ws: WebSocketLike, data: unknown): void {
    if (ws !== this.ws) return;
    this.lastFrameAt = Date.now();
    const frame = parseFrame(data);
    if (!frame) return;
    if (frame.type === 'ready') {
      clearTimeout(this.readyTimer);
      const reconnect = this.everReady;
      this.everReady = true;
      this.attempt = 0;
      this.refusedToken = undefined;
      this.unauthorizedInARow = 0;
      this.startPing(ws);
      this.setState('open');
      this.opts.onReady(frame, reconnect);
      return;
    }
    if (this.stateValue === 'open') this.opts.onFrame(frame);
  }

  private onClose(ws: WebSocketLike, code: number): void {
    if (ws !== this.ws) return;
    this.teardown();
    if (this.stopped) return;
    if (code === WsCloseCode.sessionRevoked) return this.fatal('revoked');
    if (code === WsCloseCode.deviceRemoved) return this.fatal('device-removed');
    if (code === WsCloseCode.unauthorized) {
      // First time: the token may just have expired; refresh and retry. Refused again with a fresh token: give up.
      if (++this.unauthorizedInARow > 1) return this.fatal('refused');
      this.refusedToken = this.lastToken;
    }
    this.scheduleReconnect();
  }

  /** Treat a socket as dead now, without waiting for a close handshake that may never come. */
  private drop(ws: WebSocketLike): void {
    if (ws !== this.ws) return;
    this.onClose(ws, 4000);
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt++, this.opts.backoff ?? DEFAULT_BACKOFF, this.opts.random);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private fatal(reason: SocketFatalReason): void {
    this.stopped = true;
    this.teardown(WsCloseCode.normal, reason);
    this.setState('closed');
    this.opts.onFatal(reason);
  }

  private startPing(ws: WebSocketLike): void {
    const interval = this.opts.pingIntervalMs ?? 25_000;
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastFrameAt > 2 * interval) return this.drop(ws);
      if (ws.readyState === WS_OPEN) ws.send(JSON.stringify({ type: 'ping' } satisfies ClientFrame));
    }, interval);
  }

  /** Detach from the current socket (its late events are ignored) and close it if still open. */
  private teardown(code?: number, reason?: string): void {
    clearTimeout(this.readyTimer);
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      // Keep an error listener: `ws` emits 'error' when a connecting socket is closed, and an EventEmitter
      // without a listener would throw it as an uncaught exception.
      ws.onerror = () => {};
      try {
        if (ws.readyState <= WS_OPEN) ws.close(code ?? 4000, reason ?? 'reconnecting');
      } catch {
        // Closing a socket that is already failing may throw in some runtimes; it is gone either way.
      }
    }
  }
}

function parseFrame(data: unknown): ServerFrame | undefined {
  let text: string;
  if (typeof data === 'string') text = data;
  else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) text = new TextDecoder().decode(data as ArrayBuffer);
  else return undefined;
  try {
    const parsed = ServerFrame.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
