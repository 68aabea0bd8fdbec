import { consumeDurable, type DurableConsumer, type Logger, type Nats } from '@cipherlink/kit';
import { consumers, streams, subjects, UserDeletedEvent } from '@cipherlink/proto';
import type { UserStore } from '../store/user-store';

/**
 * Forget deleted accounts: consume `user-deleted` from the durable events stream and remove the user's devices,
 * memberships and row (the username is free again), keeping a tombstone of the id. Idempotent, acked after the
 * commit, so a redelivery or a replay is harmless.
 */
export function startUserDeletedConsumer(nats: Nats, users: UserStore, logger: Logger, opts: { durable?: string } = {}): Promise<DurableConsumer> {
  const log = logger.child({ module: 'user-deleted' });
  return consumeDurable(
    nats,
    {
      stream: streams.events.name,
      durable: opts.durable ?? consumers.directoryUserDeleted,
      filterSubject: subjects.evt.userDeleted,
      schema: UserDeletedEvent,
      logger,
    },
    async (event) => {
      const result = await users.remove(event.userId);
      log.info({ userId: event.userId, result }, 'deleted user removed from the directory');
    },
  );
}
