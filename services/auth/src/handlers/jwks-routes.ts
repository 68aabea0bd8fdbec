import type { FastifyInstance } from '@cipherlink/kit';
import { Jwks } from '@cipherlink/proto';
import type { AuthContext } from './auth-context';

/** GET /api/auth/jwks and GET /.well-known/jwks.json: the public keys that verify access tokens. */
export async function jwksRoutes(app: FastifyInstance, ctx: AuthContext): Promise<void> {
  // A rotated-in key is published SIGNING_KEY_PUBLISH_SECONDS before it signs: a cached set must expire well before.
  const maxAge = Math.min(300, Math.floor(ctx.config.SIGNING_KEY_PUBLISH_SECONDS / 2));
  const handler = async (_req: unknown, reply: { header(k: string, v: string): unknown }) => {
    reply.header('cache-control', maxAge > 0 ? `public, max-age=${maxAge}` : 'no-cache');
    return Jwks.parse(await ctx.keys.publicKeys(ctx.retiredKeyGraceMs));
  };
  app.get('/api/auth/jwks', handler);
  app.get('/.well-known/jwks.json', handler);
}
