import { ForbiddenError, isOriginAllowed, type FastifyRequest } from '@cipherlink/kit';

/** preHandler for cookie-authenticated endpoints: a present Origin must be allow-listed or the request's own origin. */
export function originGuard(allowedOrigins: readonly string[]) {
  return async (req: FastifyRequest): Promise<void> => {
    const origin = req.headers.origin;
    if (!isOriginAllowed(typeof origin === 'string' ? origin : undefined, req.headers.host, allowedOrigins)) {
      throw new ForbiddenError('origin not allowed');
    }
  };
}
