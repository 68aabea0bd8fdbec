import type { MessageSendCommand } from '@cipherlink/proto';

/**
 * UUIDs are compared as text by MongoDB and returned lowercase by PostgreSQL: store them lowercase everywhere so
 * both adapters give the same answer and an id in other case is still the same message.
 */
export function canonicalCommand(cmd: MessageSendCommand): MessageSendCommand {
  return {
    ...cmd,
    id: cmd.id.toLowerCase(),
    conversationId: cmd.conversationId.toLowerCase(),
    senderUserId: cmd.senderUserId.toLowerCase(),
    senderDeviceId: cmd.senderDeviceId.toLowerCase(),
  };
}
