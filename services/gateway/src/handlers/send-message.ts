import { MessageSendCommand, rpc, subjects, type SendMessageFrame } from '@cipherlink/proto';
import { callRpc, publishDurable } from '@cipherlink/kit';
import { decideSend } from '../domain/send-policy';
import type { ConnectionIdentity } from '../domain/routing-table';
import type { GatewayContext } from './gateway-context';
import type { ClientConnection } from './client-connection';
import { errSummary } from './err-summary';

/**
 * `message.send`: check the envelope's sender device and the membership, then hand the ciphertext to
 * message-store through JetStream. The message id is the `Nats-Msg-Id`, so a retried send is stored once.
 * The sender's user and device come from the authenticated socket, never from the frame.
 */
export async function sendMessage(ctx: GatewayContext, conn: ClientConnection, identity: ConnectionIdentity, frame: SendMessageFrame): Promise<void> {
  const conversationId = frame.conversationId.toLowerCase();
  const id = frame.id.toLowerCase();
  const log = ctx.logger.child({ connectionId: conn.id, conversationId, messageId: id });
  const decision = decideSend(identity, frame, ctx.table.isMember(conn.id, conversationId));
  if (decision.kind === 'reject') return conn.error(decision.code, decision.message, frame.id);

  if (decision.kind === 'verify-membership') {
    let member: boolean;
    try {
      ({ member } = await callRpc(ctx.nats, rpc.directoryMembership, { conversationId, userId: identity.userId }));
    } catch (err) {
      log.warn({ err: errSummary(err) }, 'membership check failed');
      return conn.error('unavailable', 'cannot check membership now, retry later', frame.id);
    }
    if (!member) return conn.error('forbidden', 'not a member of this conversation', frame.id);
    if (conn.closed) return;
    // The member-added event has not reached us yet: start routing the conversation to this socket now.
    ctx.subscriptions.apply(ctx.table.addConversation(conn.id, conversationId));
  }

  try {
    const ack = await publishDurable(
      ctx.nats,
      subjects.cmd.messageSend(conversationId),
      MessageSendCommand,
      {
        v: 1,
        id,
        conversationId,
        senderUserId: identity.userId,
        senderDeviceId: identity.deviceId,
        envelope: frame.envelope,
        receivedAt: new Date().toISOString(),
      },
      { msgId: id },
    );
    log.debug({ ctChars: frame.envelope.ct.length, duplicate: ack.duplicate }, 'message send published');
  } catch (err) {
    log.warn({ err: errSummary(err) }, 'message send publish failed');
    conn.error('unavailable', 'message could not be queued, retry later', frame.id);
  }
}
