import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from '@cipherlink/kit';
import { accountRoutes } from './account-routes';
import type { AuthContext } from './auth-context';
import { jwksRoutes } from './jwks-routes';
import { sessionManagementRoutes } from './session-management-routes';
import { sessionRoutes } from './session-routes';

/**
 * The auth service's HTTP routes as one encapsulated plugin: the cookie parser is registered here, so it applies to
 * auth's routes only and cannot clash with other services sharing the app in all-in-one mode.
 */
export function authRoutes(ctx: AuthContext) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(fastifyCookie);
    await accountRoutes(app, ctx);
    await sessionRoutes(app, ctx);
    await sessionManagementRoutes(app, ctx);
    await jwksRoutes(app, ctx);
  };
}
