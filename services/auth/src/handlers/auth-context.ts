import type { AccessTokenVerifier, Logger, RateLimiter } from '@cipherlink/kit';
import type { AccessTokenIssuer } from '../access-token-issuer';
import type { AuthConfig } from '../config';
import type { SecurityEventStore } from '../store/security-event-store';
import type { SessionStore } from '../store/session-store';
import type { SigningKeyStore } from '../store/signing-key-store';
import type { UserStore } from '../store/user-store';
import type { AuthRateLimits } from './rate-limits';
import type { SessionEffects } from './session-effects';

/** Everything the auth handlers need. `issuer()` and the publishers only work after `start()`. */
export interface AuthContext {
  config: AuthConfig;
  logger: Logger;
  users: UserStore;
  sessions: SessionStore;
  securityEvents: SecurityEventStore;
  keys: SigningKeyStore;
  /** Verifies bearer tokens and consults the deny-list (fails closed with 503 when Redis is down). */
  verifier: AccessTokenVerifier;
  /**
   * Signature and claims only, no deny-list: for POST /logout, which must end the session in PostgreSQL even while
   * Redis is down, and may be retried after it already did.
   */
  signatureVerifier: AccessTokenVerifier;
  issuer(): AccessTokenIssuer;
  /** Deny-list writes and the sessions-revoked announcement. */
  sessionEffects: SessionEffects;
  limits: AuthRateLimits;
  /** The shared per-user API budget (`api`), spent by authGuard. */
  perUser: RateLimiter;
  publishUserRegistered(event: { userId: string; username: string; occurredAt: Date }): Promise<void>;
  /** Durable (JetStream, msgId `deleted-<userId>`): rejects when the stream did not take it. */
  publishUserDeleted(event: { userId: string; occurredAt: Date }): Promise<void>;
  /** How long a retired signing key stays in the JWKS, and how long a denied session stays denied (TTL + skew). */
  retiredKeyGraceMs: number;
}
