import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { ErrorCode, ServerFrame } from '@cipherlink/proto';
import type { Logger } from '@cipherlink/kit';
import type { ConnectionIdentity } from '../domain/routing-table';
import type { ConnectionPhase } from '../domain/admit-frame';
import { FrameBudget, type FrameBudgetRule } from '../domain/frame-budget';
import { errorsTotal, framesTotal } from '../metrics';

/** Past this many bytes queued on a socket the peer is not reading; it is dropped rather than buffered forever. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Routed frames kept for a socket that is still authenticating (delivered right after `ready`). */
const MAX_HELD_FRAMES = 1_000;

/**
 * One WebSocket and what the gateway knows about it. Replies go out at once; routed frames (messages, presence,
 * acks) that race ahead of `ready` are held and flushed after it, so the client always sees `ready` first.
 */
export class ClientConnection {
  readonly id: string;
  phase: ConnectionPhase = 'awaiting-auth';
  /** Set once the connection is registered in the routing table. */
  identity: ConnectionIdentity | undefined;
  /** The user and session of the socket's access token, set as soon as it verified (before `ready`). */
  session: { userId: string; sessionId: string; jti: string } | undefined;
  /** This connection's frame allowance; every frame the peer sends spends from it. */
  readonly budget: FrameBudget;
  /** Cleared by each server ping; set again by the peer's pong. */
  alive = true;
  /** The presence heartbeat in flight, so a disconnect is never reported before it. */
  lastHeartbeat: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private held: string[] = [];

  constructor(
    readonly ws: WebSocket,
    gatewayId: string,
    private readonly log: Logger,
    frameRule: FrameBudgetRule,
  ) {
    this.id = `${gatewayId}.${randomUUID()}`;
    this.budget = new FrameBudget(frameRule, Date.now());
  }

  get closed(): boolean {
    return this.phase === 'closed' || this.ws.readyState !== WebSocket.OPEN;
  }

  /** Send a frame now (answers to the client's own frames, `ready`). */
  reply(frame: ServerFrame): void {
    this.write(frame.type, JSON.stringify(frame));
  }

  /** Send an error frame, counting it. */
  error(code: ErrorCode, message: string, ref?: string, extra: { retryAfterSeconds?: number } = {}): void {
    errorsTotal.inc({ code });
    this.reply({ type: 'error', code, message, ...(ref === undefined ? {} : { ref }), ...extra });
  }

  /** Send a routed frame; `encoded` lets a fan-out serialize once for many sockets. */
  deliver(frame: ServerFrame, encoded: string = JSON.stringify(frame)): void {
    if (this.phase === 'ready') return this.write(frame.type, encoded);
    if (this.phase === 'closed') return;
    if (this.held.length >= MAX_HELD_FRAMES) return void this.close(1008, 'too many pending frames');
    this.held.push(encoded);
  }

  /** Mark the socket ready: send `ready`, then anything routed to it meanwhile. */
  markReady(identity: ConnectionIdentity): void {
    this.phase = 'ready';
    this.reply({ type: 'ready', userId: identity.userId, deviceId: identity.deviceId, connectionId: this.id });
    const held = this.held;
    this.held = [];
    for (const text of held) this.write('routed', text);
  }

  /** Run `fn` every `ms` until the connection closes. */
  every(ms: number, fn: () => void): void {
    this.timers.push(setInterval(fn, ms));
  }

  /** Run `fn` once after `ms` unless the connection closes first. */
  after(ms: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, ms));
  }

  /** Start a close handshake (idempotent). */
  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  /** Stop timers and drop held frames; called once the socket is closed. */
  dispose(): void {
    this.phase = 'closed';
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.held = [];
  }

  private write(type: string, text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn({ connectionId: this.id, bufferedBytes: this.ws.bufferedAmount }, 'slow consumer; dropping socket');
      this.ws.terminate();
      return;
    }
    framesTotal.inc({ direction: 'out', type });
    this.ws.send(text);
  }
}
