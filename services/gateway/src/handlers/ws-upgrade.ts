import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { WS_PATH } from '@cipherlink/proto';
import { isOriginAllowed, type Logger } from '@cipherlink/kit';

export interface UpgradeOptions {
  allowedOrigins: readonly string[];
  logger: Logger;
  /** False while shutting down: new upgrades get 503. */
  accepting: () => boolean;
  onSocket: (ws: WebSocket) => void;
}

/**
 * Handle HTTP upgrades for `WS_PATH` on the shared server. Other paths are left to other upgrade listeners, or
 * answered 404 when we are the only one (otherwise the client would hang). Returns a function that detaches.
 */
export function attachUpgradeHandler(server: Server, wss: WebSocketServer, opts: UpgradeOptions): () => void {
  const log = opts.logger.child({ module: 'ws-upgrade' });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH) {
      if (server.listenerCount('upgrade') <= 1) refuse(socket, 404, 'Not Found');
      return;
    }
    if (!opts.accepting()) return refuse(socket, 503, 'Service Unavailable');
    if (!isOriginAllowed(req.headers.origin, req.headers.host, opts.allowedOrigins)) {
      log.info({ origin: req.headers.origin }, 'websocket upgrade refused: origin not allowed');
      return refuse(socket, 403, 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => opts.onSocket(ws));
  };
  server.on('upgrade', onUpgrade);
  return () => void server.off('upgrade', onUpgrade);
}

/** Answer an upgrade request with a plain HTTP error and drop the connection. */
function refuse(socket: Duplex, status: number, text: string): void {
  socket.on('error', () => undefined);
  const body = JSON.stringify({ error: { code: status === 403 ? 'forbidden' : status === 404 ? 'not_found' : 'unavailable', message: text.toLowerCase() } });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  // end() flushes the answer; destroy afterwards so a peer that never closes cannot hold the socket.
  socket.once('finish', () => socket.destroy());
}
