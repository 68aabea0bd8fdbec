import { fileURLToPath } from 'node:url';
import {
  closeRedis,
  connectNats,
  connectRedis,
  createAccessTokenVerifier,
  createApiRateLimiter,
  createPgPool,
  createRedis,
  createRevocationList,
  ensureStream,
  type Logger,
  migrate,
  type Nats,
  natsReadiness,
  publishDurable,
  publishEphemeral,
  redisReadiness,
  type Service,
  watchSigningKeys,
} from '@cipherlink/kit';
import { SessionsRevokedEvent, streams, subjects, UserDeletedEvent, UserRegisteredEvent } from '@cipherlink/proto';
import { createAccessTokenIssuer } from './access-token-issuer';
import type { AuthConfig } from './config';
import type { AuthContext } from './handlers/auth-context';
import { serveJwksEndpoint } from './handlers/jwks-endpoint';
import { createAuthRateLimits } from './handlers/rate-limits';
import { authRoutes } from './handlers/routes';
import { createSessionEffects } from './handlers/session-effects';
import { createSigningKeyRing } from './signing-key-ring';
import { createSecurityEventStore } from './store/security-event-store';
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
 * tokens and their JWKS (HTTP and NATS), the access-token deny-list and rate limits (Redis). It never listens; a
 * composition root runs it with `runServices`.
 */
export function createAuthService(config: AuthConfig, deps: AuthServiceDeps): Service {
  const logger = deps.logger;
  const pool = createPgPool(config.DATABASE_URL, { applicationName: 'cipherlink-auth' });
  const redis = createRedis(config.REDIS_URL, { name: 'cipherlink-auth', logger });
  const revocations = createRevocationList(redis);
  const keys = createSigningKeyStore(pool);
  const ring = createSigningKeyRing(keys, { logger });
  // A retired key stays published, and an ended session stays denied, as long as a token it covers may be accepted.
  const retiredKeyGraceMs = config.ACCESS_TOKEN_TTL_SECONDS * 1000 + CLOCK_SKEW_MS;
  const fetchJwks = () => keys.publicKeys(retiredKeyGraceMs);
  // Auth verifies its own tokens from its own key table: no NATS round trip to itself.
  const verifier = createAccessTokenVerifier({ fetchJwks, revocations });
  const signatureVerifier = createAccessTokenVerifier({ fetchJwks });
  const issuer = createAccessTokenIssuer({ signingKey: () => ring.current(), ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });
  let nats: Nats | undefined;
  let started = false;

  const requireNats = (): Nats => {
    if (!nats) throw new Error('auth service not started');
    return nats;
  };

  const ctx: AuthContext = {
    config,
    logger,
    users: createUserStore(pool),
    sessions: createSessionStore(pool),
    securityEvents: createSecurityEventStore(pool),
    keys,
    verifier,
    signatureVerifier,
    retiredKeyGraceMs,
    issuer() {
      if (!started) throw new Error('auth service not started');
      return issuer;
    },
    sessionEffects: createSessionEffects({
      revocations,
      denyTtlSeconds: retiredKeyGraceMs / 1000,
      publish: (event) => publishEphemeral(requireNats(), subjects.evt.sessionsRevoked, SessionsRevokedEvent, event),
      logger,
    }),
    limits: createAuthRateLimits(redis, config.AUTH_RATE_LIMIT_PER_MINUTE),
    // The same name in every service: one budget per user across the whole API.
    perUser: createApiRateLimiter(redis, config.RATE_LIMIT_API_PER_MINUTE),
    async publishUserRegistered({ userId, username, occurredAt }) {
      await publishDurable(requireNats(), subjects.evt.userRegistered, UserRegisteredEvent, { v: 1, userId, username, occurredAt: occurredAt.toISOString() }, { msgId: userId });
    },
    async publishUserDeleted({ userId, occurredAt }) {
      await publishDurable(requireNats(), subjects.evt.userDeleted, UserDeletedEvent, { v: 1, userId, occurredAt: occurredAt.toISOString() }, { msgId: `deleted-${userId}` });
    },
  };

  return {
    name: 'auth',

    migrate: () => migrate({ databaseUrl: config.DATABASE_URL, dir: MIGRATIONS_DIR, service: 'auth', logger }),

    async start() {
      await connectRedis(redis);
      await ring.start();
      nats = await connectNats({ url: config.NATS_URL, name: 'auth', logger });
      await ensureStream(nats.jsm, streams.events);
      serveJwksEndpoint(nats, { keys, retiredKeyGraceMs, logger });
      // A rotation (rotate-signing-key) announces itself: verify with the new key set and sign on its schedule.
      watchSigningKeys(
        nats,
        {
          invalidate() {
            verifier.invalidate();
            signatureVerifier.invalidate();
            ring.reload().catch((err: unknown) => logger.warn({ err }, 'signing key reload failed'));
          },
        },
        logger,
      );
      started = true;
    },

    routes: authRoutes(ctx),

    readiness: () => [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      redisReadiness(redis),
      natsReadiness(() => nats),
    ],

    async stop() {
      started = false;
      ring.stop();
      await nats?.close();
      nats = undefined;
      await closeRedis(redis);
      await pool.end();
    },
  };
}
