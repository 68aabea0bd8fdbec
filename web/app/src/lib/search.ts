import type { Conversation } from '@cipherlink/proto';
import type { SearchResult, TextSnippet } from '@cipherlink/client';
import { isRoom, nameOf, titleOf } from './conversation';

/** How long the search field waits after the last keystroke before searching. */
export const SEARCH_DEBOUNCE_MS = 150;
/** Most results listed. */
export const SEARCH_LIMIT = 50;

/** One line of the result list: where the message is, who wrote it, and the part of its text to show. */
export interface SearchRow {
  conversationId: string;
  messageId: string;
  conversationTitle: string;
  room: boolean;
  /** The sender's username, "You" for the local user. */
  sender: string;
  createdAt: string;
  snippet: TextSnippet;
}

/**
 * What the list shows for the SDK's results, in the SDK's order (newest first). A result of a conversation that
 * is no longer in the list (left, or removed while offline) is not shown: it could not be opened.
 */
export function searchRows(results: readonly SearchResult[], conversations: readonly Conversation[], myUserId: string): SearchRow[] {
  const byId = new Map(conversations.map((c) => [c.id.toLowerCase(), c] as const));
  return results.flatMap((r) => {
    const conversation = byId.get(r.conversationId.toLowerCase());
    if (!conversation) return [];
    return [
      {
        conversationId: conversation.id,
        messageId: r.messageId,
        conversationTitle: titleOf(conversation, myUserId),
        room: isRoom(conversation),
        sender: nameOf(conversation, r.senderUserId, myUserId),
        createdAt: r.createdAt,
        snippet: r.snippet,
      },
    ];
  });
}

/** A snippet as consecutive parts, the matched ones marked (ranges out of order, overlapping or outside are tolerated). */
export function highlightParts({ text, highlights }: TextSnippet): { text: string; match: boolean }[] {
  const parts: { text: string; match: boolean }[] = [];
  let at = 0;
  for (const { start, end } of [...highlights].sort((a, b) => a.start - b.start)) {
    const from = Math.max(start, at);
    const to = Math.min(end, text.length);
    if (to <= from) continue;
    if (from > at) parts.push({ text: text.slice(at, from), match: false });
    parts.push({ text: text.slice(from, to), match: true });
    at = to;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}
