import type { MemberAddedEvent, MessageStoredEvent, PresenceChangedEvent, ServerFrame } from '@cipherlink/proto';
import { presenceStateOf } from '../domain/presence-access';
import type { GatewayContext } from './gateway-context';

/** A stored message: `message` to every local member socket, then `message.ack` to the sender user's sockets. */
export function deliverStoredMessage(ctx: GatewayContext, event: MessageStoredEvent): void {
  const message = event.message;
  const { recipients, senderConnections } = ctx.table.deliveryTargets(message.conversationId.toLowerCase(), message.senderUserId.toLowerCase());
  const frame: ServerFrame = { type: 'message', message };
  const encoded = JSON.stringify(frame);
  for (const id of recipients) ctx.connections.get(id)?.deliver(frame, encoded);
  const ack: ServerFrame = { type: 'message.ack', id: message.id, conversationId: message.conversationId, seq: message.seq };
  for (const id of senderConnections) ctx.connections.get(id)?.deliver(ack);
}

/** A local user joined a conversation: route it to their sockets from now on and tell them. */
export function deliverMemberAdded(ctx: GatewayContext, event: MemberAddedEvent): void {
  const conversationId = event.conversationId.toLowerCase();
  const changes = ctx.table.addConversationForUser(event.userId.toLowerCase(), conversationId);
  if (changes.connectionIds.length === 0) return;
  ctx.subscriptions.apply(changes);
  const frame: ServerFrame = { type: 'conversation.added', conversationId };
  for (const id of changes.connectionIds) ctx.connections.get(id)?.deliver(frame);
}

/** A watched user went online or offline. */
export function deliverPresenceChanged(ctx: GatewayContext, userId: string, event: PresenceChangedEvent): void {
  const frame: ServerFrame = { type: 'presence', presence: { ...presenceStateOf(event), userId } };
  const encoded = JSON.stringify(frame);
  for (const id of ctx.table.watchersOfUser(userId)) ctx.connections.get(id)?.deliver(frame, encoded);
}
