import type { Conversation, PublicUser } from '@cipherlink/proto';
import type { DecryptedMessage } from '@cipherlink/client';

/** The other member of a DM (the first other member of a group); yourself for a note-to-self. */
export function peerOf(conversation: Conversation, myUserId: string): PublicUser | undefined {
  return conversation.members.find((m) => m.id !== myUserId) ?? conversation.members[0];
}

/** What the list and header call a conversation. */
export function titleOf(conversation: Conversation, myUserId: string): string {
  if (conversation.kind === 'group' && conversation.name) return conversation.name;
  return peerOf(conversation, myUserId)?.username ?? 'Unknown';
}

/** One-line preview of a message for the conversation list. */
export function previewOf(message: DecryptedMessage): string {
  const text = message.body.kind === 'text' ? message.body.text.replace(/\s+/g, ' ').trim() : '🔒 Encrypted message';
  return message.mine ? `You: ${text}` : text;
}

/** The longest message the composer accepts. */
export const MAX_MESSAGE_CHARS = 4000;
