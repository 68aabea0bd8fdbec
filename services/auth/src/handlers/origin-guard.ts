import { ForbiddenError, type FastifyRequest } from '@cipherlink/kit';
import { isOriginAllowed } from '../domain/origin-policy';

/** preHandler for cookie-authenticated endpoints: a present Origin header must be one of `allowedOrigins`. */
export function originGuard(allowedOrigins: readonly string[]) {
  return async (req: FastifyRequest): Promise<void> => {
    const origin = req.headers.origin;
    if (!isOriginAllowed(typeof origin === 'string' ? origin : undefined, allowedOrigins)) throw new ForbiddenError('origin not allowed');
  };
}
