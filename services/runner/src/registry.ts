import type { Logger, Service } from '@cipherlink/kit';
import { createAuthService, loadAuthConfig } from '@cipherlink/auth';
import { createDirectoryService, loadDirectoryConfig } from '@cipherlink/directory';
import { createMessageStoreService, loadMessageStoreConfig } from '@cipherlink/message-store';
import { createPresenceService, loadPresenceConfig } from '@cipherlink/presence';
import { createGatewayService, loadGatewayConfig } from '@cipherlink/gateway';
import type { ServiceName } from './config';

type Env = Record<string, string | undefined>;

/** How to build each service from the environment. Each service validates its own variables. */
export const serviceFactories: Record<ServiceName, (env: Env, logger: Logger) => Service> = {
  auth: (env, logger) => createAuthService(loadAuthConfig(env), { logger: logger.child({ service: 'auth' }) }),
  directory: (env, logger) => createDirectoryService(loadDirectoryConfig(env), { logger: logger.child({ service: 'directory' }) }),
  'message-store': (env, logger) =>
    createMessageStoreService(loadMessageStoreConfig(env), { logger: logger.child({ service: 'message-store' }) }),
  presence: (env, logger) => createPresenceService(loadPresenceConfig(env), { logger: logger.child({ service: 'presence' }) }),
  gateway: (env, logger) => createGatewayService(loadGatewayConfig(env), { logger: logger.child({ service: 'gateway' }) }),
};
