import type { AccessTokenVerifier, Logger } from '@cipherlink/kit';
import type { AccessTokenIssuer } from '../access-token-issuer';
import type { AuthConfig } from '../config';
import type { SessionStore } from '../store/session-store';
import type { SigningKeyStore } from '../store/signing-key-store';
import type { UserStore } from '../store/user-store';

/** Everything the auth handlers need. `issuer()` and `publishUserRegistered` only work after `start()`. */
export interface AuthContext {
  config: AuthConfig;
  logger: Logger;
  users: UserStore;
  sessions: SessionStore;
  keys: SigningKeyStore;
  verifier: AccessTokenVerifier;
  issuer(): AccessTokenIssuer;
  publishUserRegistered(event: { userId: string; username: string; occurredAt: Date }): Promise<void>;
  /** How long a retired signing key stays in the JWKS (access token lifetime plus clock skew). */
  retiredKeyGraceMs: number;
}
