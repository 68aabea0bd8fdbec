import { serveRpc, type Logger, type Nats } from '@cipherlink/kit';
import { rpc } from '@cipherlink/proto';
import type { PresenceTracker } from './presence-tracker';

type Subscription = ReturnType<typeof serveRpc>;

/** Serve the presence request/reply endpoints (queue group `presence`, so instances share the load). */
export function servePresenceRpc(nats: Nats, tracker: PresenceTracker, logger: Logger): Subscription[] {
  const opts = { queue: 'presence', logger };
  return [
    serveRpc(
      nats,
      rpc.presenceHeartbeat,
      async ({ userId, connectionId }) => {
        await tracker.heartbeat(userId, connectionId);
        return { online: true as const };
      },
      opts,
    ),
    serveRpc(nats, rpc.presenceDisconnect, ({ userId, connectionId }) => tracker.disconnect(userId, connectionId), opts),
    serveRpc(nats, rpc.presenceQuery, async ({ userIds }) => ({ presence: await tracker.query(userIds) }), opts),
  ];
}
