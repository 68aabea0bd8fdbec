import { fileURLToPath } from 'node:url';
import {
  connectNats,
  createAccessTokenVerifier,
  createPgPool,
  ensureStream,
  migrate,
  publishDurable,
  type Logger,
  type Nats,
  type Service,
} from '@cipherlink/kit';
import { streams, subjects, UserRegisteredEvent } from '@cipherlink/proto';
import { createAccessTokenIssuer, type AccessTokenIssuer } from './access-token-issuer';
import type { AuthConfig } from './config';
import type { AuthContext } from './handlers/auth-context';
import { serveJwksEndpoint } from './handlers/jwks-endpoint';
import { authRoutes } from './handlers/routes';
import { generateSigningKey, importSigningKey } from './signing-key';
import { createSessionStore } from './store/session-store';
import { createSigningKeyStore } from './store/signing-key-store';
import { createUserStore } from './store/user-store';

export interface AuthServiceDeps {
  logger: Logger;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
/** Verifiers accept tokens up to this much past `exp`; a retired key stays published at least this long extra. */
const CLOCK_SKEW_MS = 30_000;

/**
 * The auth service: accounts (argon2id), sessions with rotating refresh tokens (httpOnly cookie), ES256 access
 * tokens and their JWKS (HTTP and NATS). It never listens; a composition root runs it with `runServices`.
 */
export function createAuthService(config: AuthConfig, deps: AuthServiceDeps): Service {
  const logger = deps.logger;
  const pool = createPgPool(config.DATABASE_URL, { applicationName: 'cipherlink-auth' });
  const keys = createSigningKeyStore(pool);
  const retiredKeyGraceMs = config.ACCESS_TOKEN_TTL_SECONDS * 1000 + CLOCK_SKEW_MS;
  let nats: Nats | undefined;
  let issuer: AccessTokenIssuer | undefined;

  const ctx: AuthContext = {
    config,
    logger,
    users: createUserStore(pool),
    sessions: createSessionStore(pool),
    keys,
    // Auth verifies its own tokens from its own key table: no NATS round trip to itself.
    verifier: createAccessTokenVerifier({ fetchJwks: () => keys.publicKeys(retiredKeyGraceMs) }),
    retiredKeyGraceMs,
    issuer() {
      if (!issuer) throw new Error('auth service not started');
      return issuer;
    },
    async publishUserRegistered({ userId, username, occurredAt }) {
      if (!nats) throw new Error('auth service not started');
      await publishDurable(nats, subjects.evt.userRegistered, UserRegisteredEvent, { v: 1, userId, username, occurredAt: occurredAt.toISOString() }, { msgId: userId });
    },
  };

  return {
    name: 'auth',

    migrate: () => migrate({ databaseUrl: config.DATABASE_URL, dir: MIGRATIONS_DIR, service: 'auth', logger }),

    async start() {
      const key = await keys.ensureActive(generateSigningKey);
      issuer = createAccessTokenIssuer({ key: await importSigningKey(key), kid: key.kid, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });
      logger.info({ kid: key.kid }, 'signing key ready');
      nats = await connectNats({ url: config.NATS_URL, name: 'auth', logger });
      await ensureStream(nats.jsm, streams.events);
      serveJwksEndpoint(nats, { keys, retiredKeyGraceMs, logger });
    },

    routes: authRoutes(ctx),

    readiness: () => [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      {
        name: 'nats',
        check: async () => {
          if (!nats || nats.nc.isClosed()) throw new Error('nats not connected');
        },
      },
    ],

    async stop() {
      await nats?.close();
      nats = undefined;
      await pool.end();
    },
  };
}
