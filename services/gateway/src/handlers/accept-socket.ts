import type { RawData, WebSocket } from 'ws';
import { rpc, WS_AUTH_TIMEOUT_MS, WsCloseCode, type ClientFrame } from '@cipherlink/proto';
import { callRpc } from '@cipherlink/kit';
import { admitFrame } from '../domain/admit-frame';
import { parseClientFrame } from '../domain/parse-client-frame';
import { framesTotal, openSockets } from '../metrics';
import { ClientConnection } from './client-connection';
import type { GatewayContext } from './gateway-context';
import { authenticate } from './authenticate';
import { errSummary } from './err-summary';
import { sendMessage } from './send-message';
import { watchPresence } from './watch-presence';

/** Frames a socket may have waiting for processing; more means the client is flooding us. */
const MAX_QUEUED_FRAMES = 64;

/**
 * Take ownership of a freshly upgraded socket. Frames are handled one at a time per socket (so a client's sends
 * reach JetStream in the order it sent them, and frames sent right after `auth` see the ready state); every
 * handler is wrapped so a bad frame or a failing dependency can never crash the process.
 */
export function acceptSocket(ctx: GatewayContext, ws: WebSocket): ClientConnection {
  const conn = new ClientConnection(ws, ctx.config.GATEWAY_ID, ctx.logger);
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
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (queued >= MAX_QUEUED_FRAMES) return conn.error('rate_limited', 'too many frames in flight');
    queued++;
    queue = queue
      .then(() => handleFrame(ctx, conn, data, isBinary))
      .catch((err: unknown) => {
        log.error({ err: errSummary(err) }, 'frame handler failed');
        conn.error('internal', 'internal error');
      })
      .finally(() => void queued--);
  });
  ws.on('pong', () => {
    conn.alive = true;
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
  if (conn.phase === 'closed') return;
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
