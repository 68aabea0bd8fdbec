import { bearerToken, parseOrThrow, UnauthorizedError, type FastifyInstance, type FastifyReply, type FastifyRequest } from '@cipherlink/kit';
import { LoginRequest, TokenResponse, type PublicUser } from '@cipherlink/proto';
import { generateRefreshToken, hashRefreshToken, isWellFormedRefreshToken } from '../domain/refresh-token';
import { verifyPassword } from '../password-hasher';
import type { AuthContext } from './auth-context';
import { originGuard } from './origin-guard';
import { clearRefreshCookie, refreshCookieOf, setRefreshCookie } from './refresh-cookie';

const MAX_USER_AGENT_CHARS = 512;

/** POST /api/auth/login, /api/auth/refresh and /api/auth/logout. */
export async function sessionRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  const log = ctx.logger.child({ module: 'session-routes' });
  const refreshTtlMs = ctx.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000;
  const checkOrigin = originGuard(ctx.config.ALLOWED_ORIGINS);

  async function answerWithTokens(req: FastifyRequest, reply: FastifyReply, user: PublicUser, sessionId: string, refreshToken: string) {
    const { accessToken, expiresIn } = await ctx.issuer().issue({ userId: user.id, username: user.username, sessionId });
    setRefreshCookie(req, reply, ctx.config, refreshToken);
    void reply.header('cache-control', 'no-store');
    return reply.status(200).send(TokenResponse.parse({ accessToken, expiresIn, user, sessionId }));
  }

  /** 401 that also clears the cookie (a thrown error would go through the error handler without our cookie). */
  function refuseRefresh(req: FastifyRequest, reply: FastifyReply, message: string) {
    clearRefreshCookie(req, reply, ctx.config);
    return reply.status(401).send(new UnauthorizedError(message).toBody());
  }

  app.post('/api/auth/login', async (req, reply) => {
    const body = parseOrThrow(LoginRequest, req.body, 'login');
    const user = await ctx.users.findCredentials(body.username);
    // verifyPassword runs argon2 against a dummy hash for unknown users: same cost, same answer.
    if (!(await verifyPassword(user?.passwordHash, body.password)) || !user) {
      log.info({ userFound: Boolean(user) }, 'login refused');
      throw new UnauthorizedError('invalid username or password');
    }
    const refreshToken = generateRefreshToken();
    const now = new Date();
    const userAgent = req.headers['user-agent']?.slice(0, MAX_USER_AGENT_CHARS);
    const { sessionId } = await ctx.sessions.create({
      userId: user.id,
      userAgent,
      ip: req.ip,
      tokenHash: hashRefreshToken(refreshToken),
      now,
      expiresAt: new Date(now.getTime() + refreshTtlMs),
    });
    log.info({ userId: user.id, sessionId }, 'login');
    return answerWithTokens(req, reply, { id: user.id, username: user.username }, sessionId, refreshToken);
  });

  app.post('/api/auth/refresh', { preHandler: checkOrigin }, async (req, reply) => {
    const presented = refreshCookieOf(req);
    if (!isWellFormedRefreshToken(presented)) return refuseRefresh(req, reply, 'missing or invalid refresh token');
    const next = generateRefreshToken();
    const now = new Date();
    const outcome = await ctx.sessions.rotate({
      tokenHash: hashRefreshToken(presented),
      newTokenHash: hashRefreshToken(next),
      now,
      expiresAt: new Date(now.getTime() + refreshTtlMs),
      graceSeconds: ctx.config.REFRESH_GRACE_SECONDS,
    });
    if (!outcome.ok) {
      if (outcome.reason === 'reuse') log.warn({ reason: outcome.reason }, 'refresh token reuse: session revoked');
      else log.info({ reason: outcome.reason }, 'refresh refused');
      return refuseRefresh(req, reply, outcome.reason === 'expired' ? 'refresh token expired' : 'invalid refresh token');
    }
    log.debug({ sessionId: outcome.sessionId, kind: outcome.kind }, 'refresh');
    return answerWithTokens(req, reply, outcome.user, outcome.sessionId, next);
  });

  app.post('/api/auth/logout', { preHandler: checkOrigin }, async (req, reply) => {
    const now = new Date();
    const presented = refreshCookieOf(req);
    let sessionId: string | undefined;
    if (isWellFormedRefreshToken(presented)) {
      sessionId = await ctx.sessions.revokeByTokenHash(hashRefreshToken(presented), 'logout', now);
    }
    const bearer = bearerToken(req.headers.authorization);
    if (!sessionId && bearer) {
      // A bearer-only logout (no cookie, e.g. a non-browser client). An invalid token is ignored: logout always
      // succeeds in clearing the client's state, and it can only end the token holder's own session.
      const claims = await ctx.verifier.verify(bearer).catch(() => undefined);
      if (claims && (await ctx.sessions.revoke(claims.sid, claims.sub, 'logout', now))) sessionId = claims.sid;
    }
    if (sessionId) log.info({ sessionId }, 'logout');
    clearRefreshCookie(req, reply, ctx.config);
    return reply.status(204).send();
  });
}
