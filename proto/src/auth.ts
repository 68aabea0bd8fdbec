import { z } from 'zod';
import { Password, Timestamp, Username, Uuid } from './common';

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

/**
 * Login accepts any username string (rules are checked at registration only) so old accounts keep working. The
 * password cap is in UTF-16 units and generous: a 256-character password of astral characters (emoji) is 512 units.
 */
export const LoginRequest = z
  .object({ username: z.string().trim().min(1).max(64).transform((s) => s.toLowerCase()), password: z.string().min(1).max(1024) })
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

// ---- sessions and account management ----

/** One signed-in session (one browser or client) of the current user. */
export const SessionInfo = z.object({
  id: Uuid,
  /** Human label derived from the User-Agent at sign-in, e.g. "Chrome 142 on Linux". */
  device: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp,
  /** Approximate network location: the sign-in IP truncated to /24 (IPv4) or /48 (IPv6); never the full address. */
  location: z.string(),
  /** True for the session that made this request. */
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const SecurityEventKind = z.enum([
  /** A rotated refresh token came back after the grace window: the session was revoked as likely stolen. */
  'refresh_token_reuse',
  'password_changed',
  'session_revoked',
  'other_sessions_revoked',
  'logged_out_everywhere',
]);
export type SecurityEventKind = z.infer<typeof SecurityEventKind>;

/** Something security-relevant that happened to the account, shown beside the session list. */
export const SecurityEvent = z.object({
  id: Uuid,
  kind: SecurityEventKind,
  at: Timestamp,
  /** The session it concerns, when there is one (it may since have been revoked). */
  sessionId: Uuid.optional(),
  device: z.string().optional(),
  location: z.string().optional(),
});
export type SecurityEvent = z.infer<typeof SecurityEvent>;

/** GET /api/auth/sessions: active sessions (current first) and the latest security events (newest first). */
export const SessionsResponse = z.object({ sessions: z.array(SessionInfo), events: z.array(SecurityEvent) });
export type SessionsResponse = z.infer<typeof SessionsResponse>;

/** Path parameters of DELETE /api/auth/sessions/:sessionId. */
export const SessionParams = z.object({ sessionId: Uuid }).strict();

/** POST /api/auth/sessions/revoke-others and /api/auth/logout-all answer how many sessions they ended. */
export const RevokedCountResponse = z.object({ revoked: z.number().int().nonnegative() });
export type RevokedCountResponse = z.infer<typeof RevokedCountResponse>;

/** POST /api/auth/password: other sessions are revoked; the current one stays signed in. */
export const ChangePasswordRequest = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: Password }).strict();
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/** POST /api/auth/account/delete: the password confirms it; every session ends and the account is gone. */
export const DeleteAccountRequest = z.object({ password: z.string().min(1).max(1024) }).strict();
export type DeleteAccountRequest = z.infer<typeof DeleteAccountRequest>;
