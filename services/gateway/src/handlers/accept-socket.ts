import type { RawData, WebSocket } from 'ws';
import { rpc, WS_AUTH_TIMEOUT_MS, WsCloseCode, type ClientFrame } from '@cipherlink/proto';
import { callRpc } from '@cipherlink/kit';
import { admitFrame } from '../domain/admit-frame';
import { frameRef, parseClientFrame } from '../domain/parse-client-frame';
import { framesTotal, openSockets } from '../metrics';
import { ClientConnection } from './client-connection';
import type { GatewayContext } from './gateway-context';
import { authenticate } from './authenticate';
import { errSummary } from './err-summary';
import { distributeKeys } from './distribute-keys';
import { requestKeys } from './request-keys';
import { sendMessage } from './send-message';
import { watchPresence } from './watch-presence';

/**
 * Frames a socket may have waiting for processing. The frame budget bounds the rate; this bounds the backlog when
 * handlers are slow (a dependency timing out) and the budget is generous.
 */
const MAX_QUEUED_FRAMES = 64;

/**
 * Take ownership of a freshly upgraded socket. Frames are handled one at a time per socket (so a client's sends
 * reach JetStream in the order it sent them, and frames sent right after `auth` see the ready state); every
 * handler is wrapped so a bad frame or a failing dependency can never crash the process.
 */
export function acceptSocket(ctx: GatewayContext, ws: WebSocket): ClientConnection {
  const conn = new ClientConnection(ws, ctx.config.GATEWAY_ID, ctx.logger, {
    perMinute: ctx.config.WS_FRAMES_PER_MINUTE,
    burst: ctx.config.WS_FRAME_BURST,
  });
  const log = ctx.logger.child({ connectionId: conn.id });
  ctx.connections.set(conn.id, conn);
  openSockets.inc();

  conn.after(WS_AUTH_TIMEOUT_MS, () => {
    if (conn.phase === 'ready' || conn.closed) return;
    conn.error('unauthorized', 'authentication timed out');
    conn.close(WsCloseCode.authTimeout, 'auth timeout');
  });

  let queue: Promise<void> = Promise.resolve();
  let queued = 0;
  /** Spend one frame of the budget; false when the frame must not be handled (dropped, or the socket closed). */
  const admitted = (onDrop: (retryAfterSeconds: number) => void): boolean => {
    if (conn.closed) return false;
    const verdict = conn.budget.take(Date.now());
    if (verdict.kind === 'accept') return true;
    if (verdict.kind === 'drop') onDrop(verdict.retryAfterSeconds);
    else {
      log.info({ userId: conn.session?.userId }, 'frame flood far past the limit; closing');
      conn.close(WsCloseCode.policy, 'too many frames');
    }
    return false;
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    const dropped = !admitted((retryAfterSeconds) =>
      conn.error('rate_limited', 'too many frames, slow down', frameRef(data, isBinary), { retryAfterSeconds }),
    );
    if (dropped) return;
    if (queued >= MAX_QUEUED_FRAMES) return conn.error('rate_limited', 'too many frames in flight', frameRef(data, isBinary), { retryAfterSeconds: 1 });
    queued++;
    queue = queue
      .then(() => handleFrame(ctx, conn, data, isBinary))
      .catch((err: unknown) => {
        log.error({ err: errSummary(err) }, 'frame handler failed');
        conn.error('internal', 'internal error');
      })
      .finally(() => void queued--);
  });
  // WebSocket control frames count too (autoPong is off): a ping is answered only within the budget, so pings
  // cannot be used to make us send unlimited pongs. A pong always proves liveness but still spends budget.
  ws.on('ping', (data: Buffer) => {
    if (!admitted(() => undefined)) return;
    try {
      ws.pong(data);
    } catch {
      // Closing: nothing to answer.
    }
  });
  ws.on('pong', () => {
    conn.alive = true;
    admitted(() => undefined);
  });
  // Oversized frames (ws closes with 1009 itself), protocol violations and resets land here; log, never throw.
  ws.on('error', (err: Error & { code?: string }) => log.debug({ code: err.code, message: err.message }, 'socket error'));
  ws.on('close', (code: number) => {
    log.debug({ code }, 'socket closed');
    const cleanup = release(ctx, conn);
    ctx.cleanups.add(cleanup);
    void cleanup.finally(() => ctx.cleanups.delete(cleanup));
  });
  return conn;
}

async function handleFrame(ctx: GatewayContext, conn: ClientConnection, data: RawData, isBinary: boolean): Promise<void> {
  // Closing (revoked, refused, shutting down): frames still in the pipe are not acted on.
  if (conn.closed) return;
  const parsed = parseClientFrame(data, isBinary);
  if (!parsed.ok) {
    framesTotal.inc({ direction: 'in', type: 'invalid' });
    return conn.error(parsed.error.code, parsed.error.message, parsed.error.ref);
  }
  const frame: ClientFrame = parsed.frame;
  framesTotal.inc({ direction: 'in', type: frame.type });
  const admission = admitFrame(conn.phase, frame.type);
  if (admission.kind === 'ignore') return;
  if (admission.kind === 'reject') {
    conn.error(admission.code, admission.message, 'id' in frame ? frame.id : undefined);
    if (admission.close !== undefined) conn.close(admission.close, admission.code);
    return;
  }
  if (frame.type === 'auth') return authenticate(ctx, conn, frame);
  const identity = conn.identity;
  // admitFrame only lets non-auth frames through once ready, and ready implies a registered identity.
  if (!identity) return conn.error('unauthorized', 'authenticate first');
  switch (frame.type) {
    case 'ping':
      return conn.reply({ type: 'pong' });
    case 'message.send':
      return sendMessage(ctx, conn, identity, frame);
    case 'presence.watch':
      return watchPresence(ctx, conn, identity, frame);
    case 'keys.distribute':
      return distributeKeys(ctx, conn, identity, frame);
    case 'keys.request':
      return requestKeys(ctx, conn, identity, frame);
  }
}

/** Forget a closed socket: routing state, subscriptions nobody needs any more, then presence. */
async function release(ctx: GatewayContext, conn: ClientConnection): Promise<void> {
  conn.dispose();
  if (!ctx.connections.delete(conn.id)) return;
  openSockets.dec();
  const identity = conn.identity;
  if (!identity) return;
  ctx.subscriptions.apply(ctx.table.remove(conn.id));
  // A heartbeat landing after the disconnect would mark the user online again until its entry expires.
  await conn.lastHeartbeat;
  try {
    await callRpc(ctx.nats, rpc.presenceDisconnect, { userId: identity.userId, connectionId: conn.id });
  } catch (err) {
    ctx.logger.warn({ err: errSummary(err), connectionId: conn.id }, 'presence disconnect failed');
  }
}
