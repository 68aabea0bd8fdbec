import type { Logger, RevocationList } from '@cipherlink/kit';
import type { SessionRevokeReason, SessionsRevokedEvent } from '@cipherlink/proto';

export interface SessionEffects {
  /**
   * Put sessions (and single access tokens, by jti) on the deny-list until every access token that could carry
   * them has expired. Rejects with UnavailableError (503) when Redis cannot take it.
   */
  deny(entries: { sessionIds?: readonly string[]; jtis?: readonly string[] }): Promise<void>;
  /** Tell every gateway to close these sessions' sockets (core NATS; best effort, never throws). */
  announce(event: { userId: string; sessionIds: readonly string[]; allSessions: boolean; reason: SessionRevokeReason }): void;
  /** deny, then announce. */
  end(event: { userId: string; sessionIds: readonly string[]; allSessions: boolean; reason: SessionRevokeReason; jtis?: readonly string[] }): Promise<void>;
}

/** What happens outside PostgreSQL when sessions end. `denyTtlSeconds` is the access-token lifetime plus clock skew. */
export function createSessionEffects(deps: {
  revocations: Pick<RevocationList, 'deny'>;
  denyTtlSeconds: number;
  publish: (event: SessionsRevokedEvent) => void;
  logger: Logger;
}): SessionEffects {
  const log = deps.logger.child({ module: 'session-effects' });
  const effects: SessionEffects = {
    async deny({ sessionIds = [], jtis = [] }) {
      if (sessionIds.length === 0 && jtis.length === 0) return;
      await deps.revocations.deny({ sessionIds, jtis }, deps.denyTtlSeconds);
    },

    announce({ userId, sessionIds, allSessions, reason }) {
      if (sessionIds.length === 0 && !allSessions) return;
      try {
        deps.publish({ v: 1, userId, sessionIds: [...sessionIds], allSessions, reason, occurredAt: new Date().toISOString() });
      } catch (err) {
        // Sockets then live until their access token is refused at the next check; the deny-list already holds.
        log.warn({ err, userId, sessions: sessionIds.length }, 'sessions-revoked event not published');
      }
    },

    async end(event) {
      await effects.deny({ sessionIds: event.sessionIds, ...(event.jtis ? { jtis: event.jtis } : {}) });
      effects.announce(event);
    },
  };
  return effects;
}
