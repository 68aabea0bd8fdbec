import { createLocalJWKSet, jwtVerify, errors as joseErrors, type JSONWebKeySet } from 'jose';
import {
  ACCESS_TOKEN_ALG,
  ACCESS_TOKEN_TYPE,
  AccessTokenClaims,
  AUTH_AUDIENCE,
  AUTH_ISSUER,
  type Jwks,
} from '@cipherlink/proto';
import { AppError, UnauthorizedError } from './errors';
import type { RevocationList } from './revocation';

export interface AccessTokenVerifier {
  /** Verify a compact JWS access token; resolves to its claims or rejects with UnauthorizedError. */
  verify(token: string): Promise<AccessTokenClaims>;
  /** Forget the cached key set, so the next verification fetches it again (on a signing-key rotation event). */
  invalidate(): void;
}

export interface VerifierOptions {
  /** Where the current key set comes from (NATS RPC to auth in services; a local function in auth itself). */
  fetchJwks: () => Promise<Jwks>;
  clockToleranceSeconds?: number;
  /** How long a fetched key set is trusted before it is fetched again. */
  cacheMs?: number;
  /** Least time between two fetches triggered by an unknown `kid`. */
  minRefetchMs?: number;
  now?: () => number;
  /**
   * The deny-list of ended sessions. When given, every verified token is checked against it after the signature
   * check; a Redis failure rejects with UnavailableError (503): the check fails closed.
   */
  revocations?: Pick<RevocationList, 'isDenied'>;
}

/**
 * Verifies access tokens locally with the auth service's public keys. The algorithm, issuer, audience and `typ` are
 * pinned; keys embedded in the header (`jwk`, `jku`, `x5u`) are never used: only our own key set is consulted.
 */
export function createAccessTokenVerifier(opts: VerifierOptions): AccessTokenVerifier {
  const cacheMs = opts.cacheMs ?? 5 * 60_000;
  const minRefetchMs = opts.minRefetchMs ?? 10_000;
  const now = opts.now ?? Date.now;
  let jwks: ReturnType<typeof createLocalJWKSet> | undefined;
  let kids = new Set<string>();
  let fetchedAt = 0;
  let inflight: Promise<void> | undefined;

  async function load(): Promise<void> {
    const set = await opts.fetchJwks();
    jwks = createLocalJWKSet(set as unknown as JSONWebKeySet);
    kids = new Set(set.keys.map((k) => k.kid));
    fetchedAt = now();
  }

  async function refresh(): Promise<void> {
    // `.finally` runs after the assignment even when fetchJwks throws synchronously; a `finally` inside the async
    // function would run first and leave the failed fetch cached as in flight for ever.
    inflight ??= load().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  function kidOf(token: string): string | undefined {
    try {
      const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: unknown };
      return typeof header.kid === 'string' ? header.kid : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    invalidate() {
      fetchedAt = 0;
    },

    async verify(token) {
      if (typeof token !== 'string' || token.length > 4096) throw new UnauthorizedError('invalid access token');
      const kid = kidOf(token);
      const stale = !jwks || now() - fetchedAt > cacheMs;
      const unknownKid = kid !== undefined && !kids.has(kid) && (fetchedAt === 0 || now() - fetchedAt > minRefetchMs);
      if (stale || unknownKid) {
        try {
          await refresh();
        } catch (err) {
          if (!jwks) throw new UnauthorizedError('cannot verify access token now', { cause: err });
        }
      }
      try {
        const { payload } = await jwtVerify(token, jwks!, {
          algorithms: [ACCESS_TOKEN_ALG],
          issuer: AUTH_ISSUER,
          audience: AUTH_AUDIENCE,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ['sub', 'jti', 'iat', 'exp', 'sid'],
          clockTolerance: opts.clockToleranceSeconds ?? 30,
          currentDate: new Date(now()),
        });
        const claims = AccessTokenClaims.safeParse(payload);
        if (!claims.success) throw new UnauthorizedError('invalid access token claims');
        if (opts.revocations && (await opts.revocations.isDenied(claims.data))) throw new UnauthorizedError('session ended');
        return claims.data;
      } catch (err) {
        if (err instanceof AppError) throw err;
        const expired = err instanceof joseErrors.JWTExpired;
        throw new UnauthorizedError(expired ? 'access token expired' : 'invalid access token', { cause: err });
      }
    },
  };
}

/** Extract a bearer token from an Authorization header value. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  return m?.[1];
}
