import type { Redis } from 'ioredis';
import { UnavailableError } from './errors';

/** Key prefixes of the access-token deny-list in Redis. Values are "1"; each key expires with the tokens it denies. */
const SESSION_PREFIX = 'cl:deny:sid:';
const JTI_PREFIX = 'cl:deny:jti:';

/**
 * The access-token deny-list. Access tokens are stateless JWTs; ending a session (logout, revocation, refresh-token
 * reuse, password change, account deletion) writes its session id and the presenting token's `jti` here until the
 * last token that could carry them has expired. Every verifier consults it after the signature check.
 */
export interface RevocationList {
  /** Deny sessions and/or token ids for `ttlSeconds` (the access-token lifetime plus clock skew). */
  deny(entries: { sessionIds?: readonly string[]; jtis?: readonly string[] }, ttlSeconds: number): Promise<void>;
  /**
   * Whether a token's session or id is denied. Rejects with UnavailableError when Redis cannot answer: the caller
   * must fail closed (503), never treat "unknown" as "allowed".
   */
  isDenied(token: { sid: string; jti: string }): Promise<boolean>;
}

export function createRevocationList(redis: Redis): RevocationList {
  return {
    async deny({ sessionIds = [], jtis = [] }, ttlSeconds) {
      const keys = [...sessionIds.map((s) => SESSION_PREFIX + s.toLowerCase()), ...jtis.map((j) => JTI_PREFIX + j)];
      if (keys.length === 0) return;
      const ttl = Math.max(1, Math.ceil(ttlSeconds));
      const multi = redis.multi();
      for (const key of keys) multi.set(key, '1', 'EX', ttl);
      try {
        const results = await multi.exec();
        const failed = results?.find(([err]) => err);
        if (!results || failed) throw failed?.[0] ?? new Error('redis transaction aborted');
      } catch (err) {
        throw new UnavailableError('cannot record the revocation now, retry', { cause: err });
      }
    },

    async isDenied({ sid, jti }) {
      try {
        const hits = await redis.exists(SESSION_PREFIX + sid.toLowerCase(), JTI_PREFIX + jti);
        return hits > 0;
      } catch (err) {
        throw new UnavailableError('cannot check the session now, retry', { cause: err });
      }
    },
  };
}
