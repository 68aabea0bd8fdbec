import { WsCloseCode, type SessionsRevokedEvent } from '@cipherlink/proto';
import { socketsToClose, type SocketSession } from '../domain/revoked-sockets';
import type { GatewayContext } from './gateway-context';

/**
 * Sessions ended (logout, revocation, password change, account deletion): close this gateway's sockets of them
 * with 4003 at once. Their tokens are already on the deny-list, so a reconnect with the same token is refused.
 * Scans every socket, authenticated or still authenticating; revocations are rare next to frames.
 */
export function closeRevokedSessions(ctx: GatewayContext, event: SessionsRevokedEvent): void {
  const sockets: SocketSession[] = [];
  for (const conn of ctx.connections.values()) {
    if (conn.session) sockets.push({ connectionId: conn.id, userId: conn.session.userId, sessionId: conn.session.sessionId });
  }
  const ids = socketsToClose(event, sockets);
  for (const id of ids) ctx.connections.get(id)?.close(WsCloseCode.sessionRevoked, 'session ended');
  if (ids.length) ctx.logger.info({ userId: event.userId, reason: event.reason, sockets: ids.length }, 'sessions revoked: sockets closed');
}
