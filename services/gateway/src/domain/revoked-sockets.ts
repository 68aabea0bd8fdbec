import type { SessionsRevokedEvent } from '@cipherlink/proto';

/** The session a socket authenticated with (known from the moment its token verified). */
export interface SocketSession {
  connectionId: string;
  userId: string;
  sessionId: string;
}

/**
 * The sockets a `SessionsRevokedEvent` ends: those of the listed sessions, or every socket of the user when
 * `allSessions` is set. A session id only counts for its own user, so an event can never close someone else's
 * sockets. Ids compare case-insensitively (UUIDs may arrive in either case).
 */
export function socketsToClose(event: Pick<SessionsRevokedEvent, 'userId' | 'sessionIds' | 'allSessions'>, sockets: Iterable<SocketSession>): string[] {
  const userId = event.userId.toLowerCase();
  const sessionIds = new Set(event.sessionIds.map((s) => s.toLowerCase()));
  const hit: string[] = [];
  for (const socket of sockets) {
    if (socket.userId.toLowerCase() !== userId) continue;
    if (event.allSessions || sessionIds.has(socket.sessionId.toLowerCase())) hit.push(socket.connectionId);
  }
  return hit;
}
