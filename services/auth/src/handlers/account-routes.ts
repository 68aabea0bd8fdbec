import { authGuard, NotFoundError, parseOrThrow, UnauthorizedError, userOf, type FastifyInstance } from '@cipherlink/kit';
import { RegisterRequest, RegisterResponse, UserResponse } from '@cipherlink/proto';
import { hashPassword } from '../password-hasher';
import type { AuthContext } from './auth-context';

/** POST /api/auth/register and GET /api/auth/me. */
export async function accountRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  const log = ctx.logger.child({ module: 'account-routes' });

  app.post('/api/auth/register', async (req, reply) => {
    const body = parseOrThrow(RegisterRequest, req.body, 'registration');
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

  app.get('/api/auth/me', { preHandler: authGuard(ctx.verifier) }, async (req) => {
    const claims = userOf(req);
    // Access tokens are stateless, but auth owns the session table: a logged-out session's token is refused here.
    if (!(await ctx.sessions.isActive(claims.sid, claims.sub))) throw new UnauthorizedError('session ended');
    const user = await ctx.users.findById(claims.sub);
    if (!user) throw new NotFoundError('user not found');
    return UserResponse.parse({ user });
  });
}
