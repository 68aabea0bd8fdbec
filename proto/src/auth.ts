import { z } from 'zod';
import { Password, Username, Uuid } from './common';

export const AUTH_ISSUER = 'cipherlink-auth';
export const AUTH_AUDIENCE = 'cipherlink';
/** JWT `typ` header of access tokens (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** The only signature algorithm we issue or accept. */
export const ACCESS_TOKEN_ALG = 'ES256';
/** Name of the httpOnly cookie that carries the refresh token. */
export const REFRESH_COOKIE = 'cl_rt';
/** Path the refresh cookie is limited to. */
export const REFRESH_COOKIE_PATH = '/api/auth';

export const PublicUser = z.object({ id: Uuid, username: z.string() });
export type PublicUser = z.infer<typeof PublicUser>;

export const RegisterRequest = z.object({ username: Username, password: Password }).strict();
export type RegisterRequest = z.infer<typeof RegisterRequest>;
export const RegisterResponse = z.object({ user: PublicUser });
export type RegisterResponse = z.infer<typeof RegisterResponse>;

/** Login accepts any username string (rules are checked at registration only) so old accounts keep working. */
export const LoginRequest = z
  .object({ username: z.string().trim().min(1).max(64).transform((s) => s.toLowerCase()), password: z.string().min(1).max(256) })
  .strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

/** Login and refresh both answer with a fresh access token; the refresh token travels only in the cookie. */
export const TokenResponse = z.object({
  accessToken: z.string().min(1),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int().positive(),
  user: PublicUser,
  sessionId: Uuid,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** Claims of a verified access token (the header is pinned separately). */
export const AccessTokenClaims = z.object({
  iss: z.literal(AUTH_ISSUER),
  aud: z.union([z.literal(AUTH_AUDIENCE), z.array(z.string()).refine((a) => a.includes(AUTH_AUDIENCE))]),
  sub: Uuid,
  sid: Uuid,
  jti: z.string().min(1),
  iat: z.number(),
  exp: z.number(),
  name: z.string(),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaims>;

/** A public JWK of the auth service (EC P-256 only). */
export const PublicJwk = z
  .object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: z.string(),
    y: z.string(),
    kid: z.string(),
    alg: z.literal(ACCESS_TOKEN_ALG),
    use: z.literal('sig'),
  })
  .strip();
export type PublicJwk = z.infer<typeof PublicJwk>;

export const Jwks = z.object({ keys: z.array(PublicJwk) });
export type Jwks = z.infer<typeof Jwks>;
