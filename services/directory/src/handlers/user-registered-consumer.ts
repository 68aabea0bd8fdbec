import { consumeDurable, type DurableConsumer, type Logger, type Nats } from '@cipherlink/kit';
import { consumers, streams, subjects, UserRegisteredEvent } from '@cipherlink/proto';
import type { UserStore } from '../store/user-store';

/**
 * Keep the directory's user table in step with auth: consume `user-registered` from the durable events stream and
 * upsert idempotently (redeliveries and replays are harmless). The message is acked only after the write.
 */
export function startUserRegisteredConsumer(
  nats: Nats,
  users: UserStore,
  logger: Logger,
  opts: { durable?: string } = {},
): Promise<DurableConsumer> {
  const log = logger.child({ module: 'user-registered' });
  return consumeDurable(
    nats,
    {
      stream: streams.events.name,
      durable: opts.durable ?? consumers.directoryUserRegistered,
      filterSubject: subjects.evt.userRegistered,
      schema: UserRegisteredEvent,
      logger,
    },
    async (event) => {
      const result = await users.upsert({ id: event.userId, username: event.username, createdAt: event.occurredAt });
      // auth keeps usernames unique among live accounts, so another id holding this name is a deleted account whose
      // user-deleted event (another consumer) has not been applied yet: fail, so JetStream redelivers with backoff.
      if (result === 'username_taken') throw new Error('username still held by another (deleted?) user; retrying');
      // A deleted account's late or replayed registration: never bring it back (the ack follows).
      if (result === 'deleted') log.info({ userId: event.userId }, 'registration of a deleted user ignored');
      else log.debug({ userId: event.userId, result }, 'user upserted');
    },
  );
}
