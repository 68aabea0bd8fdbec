import type { DecryptedMessage, MessageBody } from '@cipherlink/client';

/**
 * Merge by id (the newer copy wins: an ack replaces its pending message, an edit, reaction, delete or late key
 * replaces the item, duplicates collapse) and order by sequence number; pending messages (seq 0) go last, in
 * creation order.
 */
export function upsertMessages(current: readonly DecryptedMessage[], incoming: readonly DecryptedMessage[]): DecryptedMessage[] {
  const byId = new Map(current.map((m) => [m.id, m] as const));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort(compareMessages);
}

/** The list without the item `id` (the SDK said it is not a message: a reaction, edit or delete it decrypted late). */
export function removeMessage(current: readonly DecryptedMessage[], id: string): DecryptedMessage[] {
  return current.filter((m) => m.id !== id);
}

/** Stored messages by seq, then unsent ones (seq 0) by creation time. */
export function compareMessages(a: DecryptedMessage, b: DecryptedMessage): number {
  const sa = a.seq > 0 ? a.seq : Number.POSITIVE_INFINITY;
  const sb = b.seq > 0 ? b.seq : Number.POSITIVE_INFINITY;
  if (sa !== sb) return sa - sb;
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

/** The longest quote shown above the composer and in a reply bubble (the SDK sends at most the start anyway). */
export const QUOTE_CHARS = 120;

/** One line of a text for a quote: whitespace collapsed, cut at a code point boundary with an ellipsis. */
export function snippet(text: string, max = QUOTE_CHARS): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** What a reply to this message quotes, or what the composer shows while answering it. */
export function quoteOf(message: DecryptedMessage): string {
  return message.body.kind === 'text' ? snippet(message.body.text) : describeBodyShort(message.body);
}

/** Can the local user reply to / react to / edit / delete this message (per the SDK's rules)? */
export function actionsFor(message: DecryptedMessage): { reply: boolean; react: boolean; edit: boolean; delete: boolean } {
  const stored = message.status === 'sent' && message.seq > 0;
  const text = message.body.kind === 'text';
  return {
    reply: stored && text,
    react: stored && text,
    edit: stored && text && message.mine,
    delete: stored && message.mine && message.body.kind !== 'deleted',
  };
}

/** A few words for a body that is not text (previews, quotes). */
export function describeBodyShort(body: MessageBody): string {
  switch (body.kind) {
    case 'text':
      return snippet(body.text);
    case 'deleted':
      return 'Message deleted';
    case 'undecryptable':
      return body.code === 'waiting-for-key' || body.code === 'offline' || body.code === undefined
        ? 'Waiting for this message…'
        : 'Message could not be decrypted';
  }
}

export type UndecryptableTone = 'waiting' | 'warning' | 'muted';

/**
 * The placeholder for a message this device cannot show as text: calm while the key may still arrive
 * ("can't decrypt yet"), a warning when the message was refused for a security reason.
 */
export function describeUndecryptable(body: Extract<MessageBody, { kind: 'undecryptable' }>): { title: string; detail: string; tone: UndecryptableTone } {
  switch (body.code) {
    case 'waiting-for-key':
    case undefined:
      return {
        title: "Can't decrypt this message yet",
        detail: "The sender's key hasn't reached this device yet. Keys can take a moment to arrive; the message will appear here by itself.",
        tone: 'waiting',
      };
    case 'offline':
      return {
        title: "Can't decrypt this message yet",
        detail: "The keys for it couldn't be fetched. It will be tried again when you're back online.",
        tone: 'waiting',
      };
    case 'untrusted-sender':
      return {
        title: 'Message hidden',
        detail: "It was sent from a device that isn't certified by the sender's identity key, so it isn't shown.",
        tone: 'warning',
      };
    case 'rejected':
      return {
        title: 'Message rejected',
        detail: 'It failed its integrity checks (altered, replayed or sent to the wrong conversation) and is not shown.',
        tone: 'warning',
      };
    case 'legacy':
      return {
        title: "Can't decrypt this older message",
        detail: 'It was encrypted for another device before this one existed.',
        tone: 'muted',
      };
  }
}
