import type { Conversation, PublicUser } from '@cipherlink/proto';
import type { DecryptedMessage } from '@cipherlink/client';
import { describeBodyShort } from './messages';

/** The other member of a DM (the first other member of a group); yourself for a note-to-self. */
export function peerOf(conversation: Conversation, myUserId: string): PublicUser | undefined {
  return conversation.members.find((m) => m.id !== myUserId) ?? conversation.members[0];
}

export function isRoom(conversation: Conversation): boolean {
  return conversation.kind === 'group';
}

/** What the list and header call a conversation. */
export function titleOf(conversation: Conversation, myUserId: string): string {
  if (isRoom(conversation)) return conversation.name?.trim() || 'Unnamed room';
  return peerOf(conversation, myUserId)?.username ?? 'Unknown';
}

/** The username of a member, for sender labels and quotes; "You" for the local user. */
export function nameOf(conversation: Conversation, userId: string, myUserId: string): string {
  if (userId === myUserId) return 'You';
  return conversation.members.find((m) => m.id === userId)?.username ?? 'Former member';
}

/** "1 member", "3 members". */
export function memberCountText(count: number): string {
  return count === 1 ? '1 member' : `${count} members`;
}

/** One-line preview of a message for the conversation list; in rooms it says who wrote it. */
export function previewOf(message: DecryptedMessage, conversation?: Conversation, myUserId?: string): string {
  const text = describeBodyShort(message.body);
  if (message.mine) return `You: ${text}`;
  if (conversation && myUserId && isRoom(conversation)) return `${nameOf(conversation, message.senderUserId, myUserId)}: ${text}`;
  return text;
}

/** The longest message the composer accepts. */
export const MAX_MESSAGE_CHARS = 4000;
