import { bearerToken, parseOrThrow, UnauthorizedError, type FastifyInstance, type FastifyReply, type FastifyRequest } from '@cipherlink/kit';
import { LoginRequest, TokenResponse, type PublicUser } from '@cipherlink/proto';
import { sessionExpiresAt } from '../domain/refresh-decision';
import { generateRefreshToken, hashRefreshToken, isWellFormedRefreshToken } from '../domain/refresh-token';
import { verifyPassword } from '../password-hasher';
import type { AuthContext } from './auth-context';
import { originGuard } from './origin-guard';
import { clearRefreshCookie, refreshCookieOf, setRefreshCookie } from './refresh-cookie';
import { requestOrigin, userAgentOf } from './request-origin';

/** POST /api/auth/login, /api/auth/refresh and /api/auth/logout. */
export async function sessionRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  const log = ctx.logger.child({ module: 'session-routes' });
  const sessionTtlMs = ctx.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000;
  const denyWindowMs = ctx.retiredKeyGraceMs;
  const checkOrigin = originGuard(ctx.config.ALLOWED_ORIGINS);

  async function answerWithTokens(
    req: FastifyRequest,
    reply: FastifyReply,
    session: { user: PublicUser; sessionId: string; refreshToken: string; expiresAt: Date; now: Date },
  ) {
    const { user, sessionId } = session;
    const { accessToken, expiresIn } = await ctx.issuer().issue({ userId: user.id, username: user.username, sessionId });
    setRefreshCookie(req, reply, ctx.config, session.refreshToken, session.expiresAt, session.now);
    void reply.header('cache-control', 'no-store');
    return reply.status(200).send(TokenResponse.parse({ accessToken, expiresIn, user, sessionId }));
  }

  /** 401 that also clears the cookie (a thrown error would go through the error handler without our cookie). */
  function refuseRefresh(req: FastifyRequest, reply: FastifyReply, message: string) {
    clearRefreshCookie(req, reply, ctx.config);
    return reply.status(401).send(new UnauthorizedError(message).toBody());
  }

  app.post('/api/auth/login', { preHandler: ctx.limits.perIp('login') }, async (req, reply) => {
    const body = parseOrThrow(LoginRequest, req.body, 'login');
    await ctx.limits.perUsername('login', body.username);
    const user = await ctx.users.findCredentials(body.username);
    // verifyPassword runs argon2 against a dummy hash for unknown users: same cost, same answer.
    if (!(await verifyPassword(user?.passwordHash, body.password)) || !user) {
      log.info({ userFound: Boolean(user) }, 'login refused');
      throw new UnauthorizedError('invalid username or password');
    }
    const refreshToken = generateRefreshToken();
    const now = new Date();
    const expiresAt = sessionExpiresAt(now, sessionTtlMs);
    const { sessionId } = await ctx.sessions.create({
      userId: user.id,
      origin: requestOrigin(req),
      userAgent: userAgentOf(req),
      tokenHash: hashRefreshToken(refreshToken),
      now,
      expiresAt,
    });
    log.info({ userId: user.id, sessionId }, 'login');
    return answerWithTokens(req, reply, { user: { id: user.id, username: user.username }, sessionId, refreshToken, expiresAt, now });
  });

  app.post('/api/auth/refresh', { preHandler: [ctx.limits.perIp('refresh'), checkOrigin] }, async (req, reply) => {
    const presented = refreshCookieOf(req);
    if (!isWellFormedRefreshToken(presented)) return refuseRefresh(req, reply, 'missing or invalid refresh token');
    const now = new Date();
    const outcome = await ctx.sessions.rotate({
      presentedToken: presented,
      candidateToken: generateRefreshToken(),
      now,
      graceSeconds: ctx.config.REFRESH_GRACE_SECONDS,
      sessionTtlMs,
      origin: requestOrigin(req),
    });
    if (outcome.ok) {
      log.debug({ sessionId: outcome.sessionId, kind: outcome.kind }, 'refresh');
      return answerWithTokens(req, reply, { ...outcome, now });
    }
    if (outcome.reason === 'reuse') {
      log.warn({ sessionId: outcome.sessionId, userId: outcome.userId }, 'refresh token reuse: session revoked');
      // A failure here answers 503 and keeps the cookie: the retry finds the session revoked and denies it again.
      await ctx.sessionEffects.end({ userId: outcome.userId, sessionIds: [outcome.sessionId], allSessions: false, reason: 'refresh_token_reuse' });
    } else if (outcome.reason === 'revoked' && outcome.revokedAt.getTime() > now.getTime() - denyWindowMs) {
      // Recently revoked: its access tokens may still be alive. Denying again makes an earlier failed write good.
      await ctx.sessionEffects.deny({ sessionIds: [outcome.sessionId] });
    }
    log.info({ reason: outcome.reason }, 'refresh refused');
    return refuseRefresh(req, reply, outcome.reason === 'expired' ? 'refresh token expired' : 'invalid refresh token');
  });

  // Not rate limited on purpose: signing out must always work. Idempotent: a retry (after a 503 because the
  // deny-list could not be written) finds the session already revoked and writes the deny-list entries again.
  app.post('/api/auth/logout', { preHandler: checkOrigin }, async (req, reply) => {
    const now = new Date();
    const presented = refreshCookieOf(req);
    let ended: { sessionId: string; userId: string } | undefined;
    if (isWellFormedRefreshToken(presented)) ended = await ctx.sessions.revokeByTokenHash(hashRefreshToken(presented), 'logout', now);
    // The presented access token dies too. Checked without the deny-list: PostgreSQL is revoked first even while
    // Redis is down, and a retry may present a token that is already denied. An invalid token is ignored: logout
    // always clears the client's state, and a token can only end its holder's own session.
    const bearer = bearerToken(req.headers.authorization);
    const claims = bearer ? await ctx.signatureVerifier.verify(bearer).catch(() => undefined) : undefined;
    if (!ended && claims) {
      const result = await ctx.sessions.revoke({ sessionId: claims.sid, userId: claims.sub, reason: 'logout', now, denyWindowMs });
      if (result) ended = { sessionId: claims.sid, userId: claims.sub };
    }
    const jtis = claims ? [claims.jti] : [];
    if (ended) {
      await ctx.sessionEffects.end({ userId: ended.userId, sessionIds: [ended.sessionId], allSessions: false, reason: 'logout', jtis });
      log.info({ sessionId: ended.sessionId }, 'logout');
    } else {
      await ctx.sessionEffects.deny({ jtis });
    }
    clearRefreshCookie(req, reply, ctx.config);
    return reply.status(204).send();
  });
}
