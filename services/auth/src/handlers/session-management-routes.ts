import { authGuard, NotFoundError, parseOrThrow, UnauthorizedError, userOf, type FastifyInstance } from '@cipherlink/kit';
import { RevokedCountResponse, SessionParams, SessionsResponse, type SessionInfo } from '@cipherlink/proto';
import { deviceLabel } from '../domain/device-label';
import { truncateIp } from '../domain/ip-location';
import type { AuthContext } from './auth-context';
import { originGuard } from './origin-guard';
import { clearRefreshCookie } from './refresh-cookie';
import { requestOrigin } from './request-origin';

const MAX_LISTED_SESSIONS = 100;
const LISTED_SECURITY_EVENTS = 20;

/**
 * The signed-in user's sessions: GET /api/auth/sessions, DELETE /api/auth/sessions/:sessionId,
 * POST /api/auth/sessions/revoke-others and POST /api/auth/logout-all. Every revocation ends the sessions in
 * PostgreSQL, puts them on the deny-list and tells the gateways; each is idempotent, so a retry after a 503 (the
 * deny-list was unreachable) completes the job.
 */
export async function sessionManagementRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  const log = ctx.logger.child({ module: 'session-management' });
  const guard = authGuard(ctx.verifier, { perUser: ctx.perUser });
  const denyWindowMs = ctx.retiredKeyGraceMs;
  const sessionTtlMs = ctx.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000;

  app.get('/api/auth/sessions', { preHandler: guard }, async (req, reply) => {
    const claims = userOf(req);
    if (!(await ctx.sessions.isActive(claims.sid, claims.sub))) throw new UnauthorizedError('session ended');
    const now = Date.now();
    const [rows, events] = await Promise.all([
      ctx.sessions.listActive(claims.sub, new Date(now - sessionTtlMs), MAX_LISTED_SESSIONS),
      ctx.securityEvents.latest(claims.sub, LISTED_SECURITY_EVENTS),
    ]);
    const sessions: SessionInfo[] = rows.map((s) => ({
      id: s.id,
      device: s.device ?? deviceLabel(s.userAgent),
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      // Rows from before locations were stored carry the full IP: it is truncated here and never shown whole.
      location: s.location ?? truncateIp(s.ip),
      current: s.id === claims.sid,
    }));
    sessions.sort((a, b) => Number(b.current) - Number(a.current));
    void reply.header('cache-control', 'no-store');
    return SessionsResponse.parse({
      sessions,
      events: events.map((e) => ({
        id: e.id,
        kind: e.kind,
        at: e.at.toISOString(),
        ...(e.sessionId ? { sessionId: e.sessionId } : {}),
        ...(e.device ? { device: e.device } : {}),
        ...(e.location ? { location: e.location } : {}),
      })),
    });
  });

  app.delete('/api/auth/sessions/:sessionId', { preHandler: guard }, async (req, reply) => {
    const claims = userOf(req);
    const { sessionId } = parseOrThrow(SessionParams, req.params, 'session id');
    const result = await ctx.sessions.revoke(
      { sessionId, userId: claims.sub, reason: 'revoked', now: new Date(), denyWindowMs },
      { kind: 'session_revoked', origin: requestOrigin(req) },
    );
    // Someone else's session is answered exactly like a missing one.
    if (!result) throw new NotFoundError('session not found');
    await ctx.sessionEffects.end({ userId: claims.sub, sessionIds: result.deny, allSessions: false, reason: 'revoked' });
    log.info({ userId: claims.sub, sessionId, revoked: result.revoked.length }, 'session revoked');
    return reply.status(204).send();
  });

  app.post('/api/auth/sessions/revoke-others', { preHandler: guard }, async (req) => {
    const claims = userOf(req);
    const result = await ctx.sessions.revokeAll(
      { userId: claims.sub, exceptSessionId: claims.sid, reason: 'revoked', now: new Date(), denyWindowMs },
      { kind: 'other_sessions_revoked', sessionId: claims.sid, origin: requestOrigin(req) },
    );
    await ctx.sessionEffects.end({ userId: claims.sub, sessionIds: result.deny, allSessions: false, reason: 'revoked' });
    log.info({ userId: claims.sub, revoked: result.revoked.length }, 'other sessions revoked');
    return RevokedCountResponse.parse({ revoked: result.revoked.length });
  });

  // "Log out everywhere". Not rate limited (no per-user budget either): signing out must always work. It clears
  // this browser's refresh cookie, so it is Origin-checked like the other cookie-writing endpoints.
  app.post('/api/auth/logout-all', { preHandler: [originGuard(ctx.config.ALLOWED_ORIGINS), authGuard(ctx.verifier)] }, async (req, reply) => {
    const claims = userOf(req);
    const result = await ctx.sessions.revokeAll(
      { userId: claims.sub, reason: 'logout_all', now: new Date(), denyWindowMs },
      { kind: 'logged_out_everywhere', sessionId: claims.sid, origin: requestOrigin(req) },
    );
    await ctx.sessionEffects.end({ userId: claims.sub, sessionIds: result.deny, allSessions: true, reason: 'logout_all', jtis: [claims.jti] });
    log.info({ userId: claims.sub, revoked: result.revoked.length }, 'logged out everywhere');
    clearRefreshCookie(req, reply, ctx.config);
    return reply.send(RevokedCountResponse.parse({ revoked: result.revoked.length }));
  });
}
