import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from '@cipherlink/kit';

/** Serve the built single-page app; unknown non-API GETs fall back to index.html (client-side routing). */
export async function serveWebApp(app: FastifyInstance, dir: string): Promise<void> {
  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.url.startsWith('/api/')) {
      void reply.header('x-content-type-options', 'nosniff');
      void reply.header('referrer-policy', 'no-referrer');
      void reply.header('x-frame-options', 'DENY');
      void reply.header(
        'content-security-policy',
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
    }
    return payload;
  });
  await app.register(fastifyStatic, { root: dir, prefix: '/', wildcard: false, index: ['index.html'] });
  app.get('/*', async (req, reply) => {
    if (req.url.startsWith('/api/') || req.url.startsWith('/ws')) {
      return reply.status(404).send({ error: { code: 'not_found', message: 'not found' } });
    }
    return reply.sendFile('index.html');
  });
}
