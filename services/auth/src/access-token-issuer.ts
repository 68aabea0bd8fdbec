import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { buildAccessToken } from './domain/access-token-claims';

export interface AccessTokenIssuer {
  /** Sign an access token for a user's session; `expiresIn` is its lifetime in seconds. */
  issue(subject: { userId: string; username: string; sessionId: string }): Promise<{ accessToken: string; expiresIn: number }>;
}

/** Signs ES256 access tokens with the key `signingKey` names at the moment of issue (it changes on rotation). */
export function createAccessTokenIssuer(opts: {
  signingKey: () => Promise<{ kid: string; key: CryptoKey }>;
  ttlSeconds: number;
  now?: () => number;
}): AccessTokenIssuer {
  const now = opts.now ?? Date.now;
  return {
    async issue(subject) {
      const { kid, key } = await opts.signingKey();
      const { header, claims } = buildAccessToken({ ...subject, jti: randomUUID(), nowMs: now(), ttlSeconds: opts.ttlSeconds, kid });
      const accessToken = await new SignJWT(claims).setProtectedHeader(header).sign(key);
      return { accessToken, expiresIn: opts.ttlSeconds };
    },
  };
}
