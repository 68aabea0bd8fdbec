import { publishDurable, publishEphemeral, type Logger, type Nats } from '@cipherlink/kit';
import { DeviceRegisteredEvent, MemberAddedEvent, subjects, type Conversation, type Device } from '@cipherlink/proto';

/**
 * Announce every member of a newly created conversation on JetStream so gateways subscribe their sockets.
 * Called after the commit. `msgId` = `<conv>:<user>` lets JetStream drop a retried publish.
 *
 * A failed publish is logged, not thrown: the conversation exists and the client gets it; sockets pick it up on
 * their next (re)connect through `conversations-of-user`.
 */
export async function publishMembersAdded(nats: Nats, conversation: Conversation, logger: Logger): Promise<void> {
  const occurredAt = new Date().toISOString();
  await Promise.all(
    conversation.members.map(async (member) => {
      try {
        await publishDurable(
          nats,
          subjects.evt.memberAdded(conversation.id),
          MemberAddedEvent,
          { v: 1, conversationId: conversation.id, conversationKind: conversation.kind, userId: member.id, occurredAt },
          { msgId: `${conversation.id}:${member.id}` },
        );
      } catch (err) {
        logger.error({ err, conversationId: conversation.id, userId: member.id }, 'member-added publish failed');
      }
    }),
  );
}

/** Tell listeners (core NATS, best effort) that a user has a new device key. */
export function publishDeviceRegistered(nats: Nats, device: Device): void {
  publishEphemeral(nats, subjects.evt.deviceRegistered(device.userId), DeviceRegisteredEvent, {
    v: 1,
    userId: device.userId,
    deviceId: device.id,
    occurredAt: new Date().toISOString(),
  });
}
