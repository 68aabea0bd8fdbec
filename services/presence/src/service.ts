import { Redis } from 'ioredis';
import {
  closeRedis,
  connectNats,
  type Logger,
  type Nats,
  natsReadiness,
  publishEphemeral,
  type Service,
} from '@cipherlink/kit';
import { PresenceChangedEvent, subjects } from '@cipherlink/proto';
import type { PresenceConfig } from './config';
import { servePresenceRpc } from './handlers/presence-rpc';
import { createPresenceTracker } from './handlers/presence-tracker';
import { startSweeper, type Sweeper } from './handlers/sweeper';
import { createPresenceStore } from './store/presence-store';

export interface PresenceDeps {
  logger: Logger;
}

/**
 * The presence service: which users are online, from expiring connection entries in Redis that gateways
 * heartbeat. Serves `cl.rpc.presence.v1.*` and announces transitions on `cl.evt.presence.v1.changed.<user>`.
 * No HTTP routes of its own.
 */
export function createPresenceService(config: PresenceConfig, deps: PresenceDeps): Service {
  const logger = deps.logger;
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
  // Without a listener ioredis reports connection errors as unhandled; it reconnects on its own.
  redis.on('error', (err: Error) => logger.warn({ err: { name: err.name, message: err.message } }, 'redis error'));
  const store = createPresenceStore(redis);
  let nats: Nats | undefined;
  let sweeper: Sweeper | undefined;
  let subscriptions: { unsubscribe(): void }[] = [];

  const requireNats = (): Nats => {
    if (!nats) throw new Error('presence service is not started');
    return nats;
  };
  const tracker = createPresenceTracker({
    store,
    ttlMs: config.PRESENCE_TTL_SECONDS * 1000,
    publish: (event) => publishEphemeral(requireNats(), subjects.evt.presenceChanged(event.userId), PresenceChangedEvent, event),
    logger,
  });

  return {
    name: 'presence',
    async start() {
      await redis.connect();
      nats = await connectNats({ url: config.NATS_URL, name: 'presence', logger });
      subscriptions = servePresenceRpc(nats, tracker, logger);
      sweeper = startSweeper(tracker, config.PRESENCE_SWEEP_MS, logger);
      logger.info({ ttlSeconds: config.PRESENCE_TTL_SECONDS, sweepMs: config.PRESENCE_SWEEP_MS }, 'presence started');
    },
    readiness: () => [
      { name: 'redis', check: () => store.ping() },
      natsReadiness(() => nats),
    ],
    async stop() {
      for (const s of subscriptions) s.unsubscribe();
      subscriptions = [];
      await sweeper?.stop();
      sweeper = undefined;
      await nats?.close();
      nats = undefined;
      await closeRedis(redis);
    },
  };
}
