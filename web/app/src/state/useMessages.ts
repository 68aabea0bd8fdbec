import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DecryptedMessage } from '@cipherlink/client';
import { useClient } from './ClientContext';
import { removeMessage, upsertMessages } from '../lib/messages';

export interface ConversationMessages {
  messages: DecryptedMessage[];
  /** History has been fetched at least once. */
  loaded: boolean;
  loading: boolean;
  error: string | null;
}

export interface MessageStore {
  byConversation: ReadonlyMap<string, ConversationMessages>;
  /** Fetch history for a conversation once; live messages keep it current afterwards. */
  loadHistory(conversationId: string, options?: { force?: boolean }): void;
  /** Hide a message locally (a failed send the user retried). */
  dismiss(messageId: string): void;
}

const EMPTY: ConversationMessages = { messages: [], loaded: false, loading: false, error: null };

/**
 * Messages of every conversation, fed by the SDK's `message` event (new, acknowledged, failed, edited, reacted to,
 * deleted, or decrypted late), its `message-removed` event, and history loads. Messages are keyed by id, so an ack replaces its pending copy and duplicates collapse.
 */
export function useMessages(): MessageStore {
  const client = useClient();
  const [byConversation, setByConversation] = useState<ReadonlyMap<string, ConversationMessages>>(() => new Map());
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  const requested = useRef(new Set<string>());

  const update = useCallback((conversationId: string, fn: (current: ConversationMessages) => ConversationMessages) => {
    setByConversation((prev) => new Map(prev).set(conversationId, fn(prev.get(conversationId) ?? EMPTY)));
  }, []);

  useEffect(() => {
    const offMessage = client.on('message', (message) => {
      update(message.conversationId, (cur) => ({ ...cur, messages: upsertMessages(cur.messages, [message]) }));
    });
    // An item that waited for its key turned out to be a reaction, edit or delete: it is applied to its target.
    const offRemoved = client.on('message-removed', ({ conversationId, id }) => {
      update(conversationId, (cur) => ({ ...cur, messages: removeMessage(cur.messages, id) }));
    });
    return () => {
      offMessage();
      offRemoved();
    };
  }, [client, update]);

  const loadHistory = useCallback(
    (conversationId: string, options?: { force?: boolean }) => {
      if (requested.current.has(conversationId) && !options?.force) return;
      requested.current.add(conversationId);
      update(conversationId, (cur) => ({ ...cur, loading: true, error: null }));
      client
        .history(conversationId)
        .then((history) =>
          update(conversationId, (cur) => ({
            messages: upsertMessages(cur.messages, history),
            loaded: true,
            loading: false,
            error: null,
          })),
        )
        .catch((err: unknown) => {
          requested.current.delete(conversationId);
          update(conversationId, (cur) => ({
            ...cur,
            loading: false,
            error: err instanceof Error ? err.message : 'could not load messages',
          }));
        });
    },
    [client, update],
  );

  const dismiss = useCallback((messageId: string) => {
    setDismissed((prev) => new Set(prev).add(messageId));
  }, []);

  const visible = useMemo(() => withoutDismissed(byConversation, dismissed), [byConversation, dismissed]);
  return { byConversation: visible, loadHistory, dismiss };
}

function withoutDismissed(
  byConversation: ReadonlyMap<string, ConversationMessages>,
  dismissed: ReadonlySet<string>,
): ReadonlyMap<string, ConversationMessages> {
  if (dismissed.size === 0) return byConversation;
  const out = new Map<string, ConversationMessages>();
  for (const [id, entry] of byConversation) {
    out.set(id, { ...entry, messages: entry.messages.filter((m) => !dismissed.has(m.id)) });
  }
  return out;
}
