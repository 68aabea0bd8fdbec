import { serveRpc, type Logger, type Nats } from '@cipherlink/kit';
import { rpc } from '@cipherlink/proto';
import type { DirectoryStore } from '../store/directory-store';

type Subscription = ReturnType<typeof serveRpc>;

/** Serve the directory's request/reply endpoints (queue group `directory`, so instances share the load). */
export function serveDirectoryRpc(nats: Nats, store: DirectoryStore, logger: Logger): Subscription[] {
  const opts = { queue: 'directory', logger };
  return [
    serveRpc(
      nats,
      rpc.directoryConversationsOfUser,
      async ({ userId }) => ({ conversationIds: await store.conversations.idsOf(userId) }),
      opts,
    ),
    serveRpc(
      nats,
      rpc.directoryMembership,
      async ({ conversationId, userId }) => ({ member: await store.conversations.isMember(conversationId, userId) }),
      opts,
    ),
    serveRpc(nats, rpc.directoryContacts, async ({ userId }) => ({ userIds: await store.conversations.contactsOf(userId) }), opts),
    serveRpc(
      nats,
      rpc.directoryMemberDevices,
      async ({ conversationId, userId, deviceIds }) => {
        const [member, devices] = await Promise.all([
          store.conversations.isMember(conversationId, userId),
          store.devices.certifiedOfMembers(conversationId, deviceIds),
        ]);
        return { member, devices };
      },
      opts,
    ),
    serveRpc(
      nats,
      rpc.directoryDeviceCheck,
      async ({ userId, deviceId }) => ({ valid: await store.devices.belongsTo(userId, deviceId) }),
      opts,
    ),
  ];
}
