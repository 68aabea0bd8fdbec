import {
  authGuard,
  BadRequestError,
  NotFoundError,
  parseOrThrow,
  ForbiddenError,
  UnauthorizedError,
  UnavailableError,
  userOf,
  type FastifyInstance,
} from '@cipherlink/kit';
import { ChangePasswordRequest, DeleteAccountRequest, RegisterRequest, RegisterResponse, UserResponse, type AccessTokenClaims } from '@cipherlink/proto';
import { passwordPolicyViolations } from '../domain/password-policy';
import { hashPassword, verifyPassword } from '../password-hasher';
import type { UserCredentials } from '../store/user-store';
import type { AuthContext } from './auth-context';
import { originGuard } from './origin-guard';
import { clearRefreshCookie } from './refresh-cookie';
import { requestOrigin } from './request-origin';

/** 400 naming every context rule the password breaks (NIST SP 800-63B-4), in the shape parseOrThrow uses. */
function enforcePasswordPolicy(password: string, username: string, field: string): void {
  const reasons = passwordPolicyViolations(password, { username });
  if (reasons.length > 0) throw new BadRequestError(reasons[0]!, reasons.map((message) => ({ path: field, message })));
}

/** POST /api/auth/register, GET /api/auth/me, POST /api/auth/password and POST /api/auth/account/delete. */
export async function accountRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  const log = ctx.logger.child({ module: 'account-routes' });
  const guard = authGuard(ctx.verifier, { perUser: ctx.perUser });
  const denyWindowMs = ctx.retiredKeyGraceMs;

  /** The caller's account, for endpoints that act on it: the session must still be active in PostgreSQL. */
  async function accountOf(claims: AccessTokenClaims): Promise<UserCredentials> {
    const [active, user] = await Promise.all([ctx.sessions.isActive(claims.sid, claims.sub), ctx.users.findCredentialsById(claims.sub)]);
    if (!active || !user) throw new UnauthorizedError('session ended');
    return user;
  }

  app.post('/api/auth/register', { preHandler: ctx.limits.perIp('register') }, async (req, reply) => {
    const body = parseOrThrow(RegisterRequest, req.body, 'registration');
    await ctx.limits.perUsername('register', body.username);
    enforcePasswordPolicy(body.password, body.username, 'password');
    const user = await ctx.users.insert({ username: body.username, passwordHash: await hashPassword(body.password) });
    log.info({ userId: user.id }, 'user registered');
    // After the commit: the directory learns about the account from this event (msgId = user id dedupes retries).
    try {
      await ctx.publishUserRegistered({ userId: user.id, username: user.username, occurredAt: user.createdAt });
    } catch (err) {
      // The account exists; failing the request would make the client retry into a 409. Logged for replay.
      log.error({ err, userId: user.id }, 'user-registered event not published');
    }
    return reply.status(201).send(RegisterResponse.parse({ user: { id: user.id, username: user.username } }));
  });

  app.get('/api/auth/me', { preHandler: guard }, async (req) => {
    const claims = userOf(req);
    // The deny-list covers ended sessions for other services; auth owns the session table and checks it as well.
    if (!(await ctx.sessions.isActive(claims.sid, claims.sub))) throw new UnauthorizedError('session ended');
    const user = await ctx.users.findById(claims.sub);
    if (!user) throw new NotFoundError('user not found');
    return UserResponse.parse({ user });
  });

  app.post('/api/auth/password', { preHandler: [ctx.limits.perIp('password'), guard] }, async (req, reply) => {
    const claims = userOf(req);
    const body = parseOrThrow(ChangePasswordRequest, req.body, 'password change');
    const account = await accountOf(claims);
    await ctx.limits.perUsername('password', account.username);
    if (!(await verifyPassword(account.passwordHash, body.currentPassword))) {
      log.info({ userId: account.id }, 'password change refused');
      // 403, not 401: the caller is authenticated; a 401 would tell clients to refresh their token and retry.
      throw new ForbiddenError('current password is incorrect');
    }
    enforcePasswordPolicy(body.newPassword, account.username, 'newPassword');
    const now = new Date();
    const { revoked } = await ctx.users.changePassword(
      { userId: account.id, passwordHash: await hashPassword(body.newPassword), currentSessionId: claims.sid, now, denyWindowMs, origin: requestOrigin(req) },
      // Before the commit: if the deny-list is down, the password stays as it was and the client can simply retry.
      (sessionIds) => ctx.sessionEffects.deny({ sessionIds }),
    );
    ctx.sessionEffects.announce({ userId: account.id, sessionIds: revoked, allSessions: false, reason: 'password_changed' });
    log.info({ userId: account.id, revoked: revoked.length }, 'password changed');
    return reply.status(204).send();
  });

  app.post(
    '/api/auth/account/delete',
    { preHandler: [originGuard(ctx.config.ALLOWED_ORIGINS), ctx.limits.perIp('account-delete'), guard] },
    async (req, reply) => {
      const claims = userOf(req);
      const body = parseOrThrow(DeleteAccountRequest, req.body, 'account deletion');
      const account = await accountOf(claims);
      await ctx.limits.perUsername('account-delete', account.username);
      if (!(await verifyPassword(account.passwordHash, body.password))) {
        log.info({ userId: account.id }, 'account deletion refused');
        throw new ForbiddenError('password is incorrect');
      }
      const now = new Date();
      const deleted = await ctx.users.delete({ userId: account.id, now, denyWindowMs }, async (sessionIds) => {
        // Before the commit, so a failure leaves the account in place for a retry: deny every session, and publish
        // the deletion durably (msgId dedupes a retry's second publish) so the directory forgets the user too.
        await ctx.sessionEffects.deny({ sessionIds, jtis: [claims.jti] });
        try {
          await ctx.publishUserDeleted({ userId: account.id, occurredAt: now });
        } catch (err) {
          throw new UnavailableError('cannot delete the account now, retry', { cause: err });
        }
      });
      if (!deleted) throw new UnauthorizedError('session ended');
      ctx.sessionEffects.announce({ userId: account.id, sessionIds: deleted.sessionIds, allSessions: true, reason: 'account_deleted' });
      log.info({ userId: account.id }, 'account deleted');
      clearRefreshCookie(req, reply, ctx.config);
      return reply.status(204).send();
    },
  );
}
