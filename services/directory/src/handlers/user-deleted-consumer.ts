import { consumeDurable, type DurableConsumer, type Logger, type Nats } from '@cipherlink/kit';
import { consumers, streams, subjects, UserDeletedEvent } from '@cipherlink/proto';
import type { UserStore } from '../store/user-store';
import { publishMemberRemoved } from './publish-events';

/**
 * Forget deleted accounts: consume `user-deleted` from the durable events stream and remove the user's devices,
 * identity key, key backup, memberships and row (the username is free again), keeping a tombstone of the id, then
 * announce `member-removed` for every conversation they were in. Idempotent, acked after the commit and the
 * announcements, so a redelivery or a replay is harmless (a replay finds nothing left to announce).
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
      const { result, left } = await users.removeAccount(event.userId);
      // Remaining members' clients rotate sender keys without the user; gateways drop the user's routing.
      for (const change of left) await publishMemberRemoved(nats, change, 'account_deleted', log);
      log.info({ userId: event.userId, result, conversations: left.length }, 'deleted user removed from the directory');
    },
  );
}
