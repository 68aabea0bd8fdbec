import { authGuard, NotFoundError, parseOrThrow, userOf, type AccessTokenVerifier, type FastifyPluginAsync, type RateLimiter } from '@cipherlink/kit';
import { KeyPackagesQuery, type KeyPackagesResponse } from '@cipherlink/proto';
import type { MessageStore } from '../store/message-store';
import type { DeviceOwnershipCheck } from './device-ownership';

export interface KeyPackageRouteDeps {
  verifier: AccessTokenVerifier;
  apiLimiter: RateLimiter;
  store: MessageStore;
  ownsDevice: DeviceOwnershipCheck;
}

/**
 * `GET /api/messages/key-packages?deviceId=&afterSeq=&limit=`: the sender-key distributions addressed to one of the
 * caller's own devices, in seq order (what a device missed while offline). Another user's device answers 404, as an
 * unknown one does.
 */
export function keyPackageRoutes(deps: KeyPackageRouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/messages/key-packages', { preHandler: authGuard(deps.verifier, { perUser: deps.apiLimiter }) }, async (req): Promise<KeyPackagesResponse> => {
      const { deviceId, afterSeq, limit } = parseOrThrow(KeyPackagesQuery, req.query, 'query');
      if (!(await deps.ownsDevice(userOf(req).sub, deviceId))) throw new NotFoundError('device not found');
      const page = await deps.store.keyPackages(deviceId, afterSeq, limit);
      req.log.debug({ deviceId, afterSeq, count: page.packages.length, hasMore: page.hasMore }, 'key packages read');
      return page;
    });
  };
}
