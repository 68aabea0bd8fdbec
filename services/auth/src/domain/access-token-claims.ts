import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYPE, AUTH_AUDIENCE, AUTH_ISSUER, type AccessTokenClaims } from '@cipherlink/proto';

export interface AccessTokenInput {
  userId: string;
  username: string;
  sessionId: string;
  /** Unique token id (a random UUID); passed in so this stays pure. */
  jti: string;
  /** Issue time in milliseconds since the epoch. */
  nowMs: number;
  ttlSeconds: number;
  /** Key id of the signing key, so verifiers pick the right public key. */
  kid: string;
}

/** Protected header of an access token: the algorithm and `typ` are pinned (RFC 9068), no embedded keys. */
export type AccessTokenHeader = {
  alg: typeof ACCESS_TOKEN_ALG;
  typ: typeof ACCESS_TOKEN_TYPE;
  kid: string;
};

/** Build the header and claims of an access token; signing happens elsewhere. */
export function buildAccessToken(input: AccessTokenInput): { header: AccessTokenHeader; claims: AccessTokenClaims } {
  const iat = Math.floor(input.nowMs / 1000);
  return {
    header: { alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYPE, kid: input.kid },
    claims: {
      iss: AUTH_ISSUER,
      aud: AUTH_AUDIENCE,
      sub: input.userId,
      sid: input.sessionId,
      jti: input.jti,
      iat,
      exp: iat + input.ttlSeconds,
      name: input.username,
    },
  };
}
