import type { FastifyInstance } from '@cipherlink/kit';
import { Jwks } from '@cipherlink/proto';
import type { AuthContext } from './auth-context';

/** GET /api/auth/jwks and GET /.well-known/jwks.json: the public keys that verify access tokens. */
export async function jwksRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  const handler = async (_req: unknown, reply: { header(k: string, v: string): unknown }) => {
    reply.header('cache-control', 'public, max-age=300');
    return Jwks.parse(await ctx.keys.publicKeys(ctx.retiredKeyGraceMs));
  };
  app.get('/api/auth/jwks', handler);
  app.get('/.well-known/jwks.json', handler);
}
