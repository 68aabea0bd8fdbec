import type { MemberAddedEvent, MemberRemovedEvent, MessageStoredEvent, PresenceChangedEvent, ServerFrame } from '@cipherlink/proto';
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

/**
 * A user joined a conversation: route it to their local sockets from now on and tell them (`conversation.added`),
 * then tell every local socket in the conversation, theirs included, the new membership version.
 */
export function deliverMemberAdded(ctx: GatewayContext, event: MemberAddedEvent): void {
  const conversationId = event.conversationId.toLowerCase();
  const userId = event.userId.toLowerCase();
  const changes = ctx.table.addConversationForUser(userId, conversationId);
  if (changes.connectionIds.length > 0) {
    ctx.subscriptions.apply(changes);
    const added: ServerFrame = { type: 'conversation.added', conversationId };
    for (const id of changes.connectionIds) ctx.connections.get(id)?.deliver(added);
  }
  // Events published before membership versions existed carry no hint: nothing to announce.
  if (event.epochHint === undefined) return;
  const frame: ServerFrame = { type: 'conversation.membership', conversationId, version: event.epochHint, change: 'added', userId };
  const encoded = JSON.stringify(frame);
  for (const id of ctx.table.connectionsInConversation(conversationId)) ctx.connections.get(id)?.deliver(frame, encoded);
}

/**
 * A user left a conversation (removed, left, account deleted): at once, none of their local sockets receive it or
 * may post to it any more (a send now asks the directory, which refuses it). Their sockets and the remaining
 * members' sockets get the new membership version; the remaining members' clients start a new sender-key epoch.
 */
export function deliverMemberRemoved(ctx: GatewayContext, event: MemberRemovedEvent): void {
  const conversationId = event.conversationId.toLowerCase();
  const userId = event.userId.toLowerCase();
  const changes = ctx.table.removeConversationForUser(userId, conversationId);
  ctx.subscriptions.apply(changes);
  const frame: ServerFrame = { type: 'conversation.membership', conversationId, version: event.epochHint, change: 'removed', userId };
  const encoded = JSON.stringify(frame);
  for (const id of [...ctx.table.connectionsInConversation(conversationId), ...changes.connectionIds]) ctx.connections.get(id)?.deliver(frame, encoded);
}

/** A watched user went online or offline. */
export function deliverPresenceChanged(ctx: GatewayContext, userId: string, event: PresenceChangedEvent): void {
  const frame: ServerFrame = { type: 'presence', presence: { ...presenceStateOf(event), userId } };
  const encoded = JSON.stringify(frame);
  for (const id of ctx.table.watchersOfUser(userId)) ctx.connections.get(id)?.deliver(frame, encoded);
}
