import { useCallback, useEffect, useState } from 'react';
import type { Conversation } from '@cipherlink/proto';
import { useClient } from './ClientContext';

export interface Conversations {
  list: Conversation[];
  loading: boolean;
  error: string | null;
  /** Add or replace one conversation (after openDm, createRoom, addMember), keeping the rest. */
  upsert(conversation: Conversation): void;
  /** Drop a conversation at once (after leaving a room; the SDK's next list confirms it). */
  remove(conversationId: string): void;
}

/** The signed-in user's conversations: loaded once, then kept current by the SDK's `conversations` event. */
export function useConversations(): Conversations {
  const client = useClient();
  const [list, setList] = useState<Conversation[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    const unsubscribe = client.on('conversations', (next) => {
      setList(next);
      setLoading(false);
    });
    client
      .conversations()
      .then((initial) => {
        if (!active) return;
        // An event may have delivered a newer list meanwhile; merge so nothing it added is lost.
        setList((prev) => mergeConversations(initial, prev));
        setError(null);
      })
      .catch((err: unknown) => {
        if (active) setError(err instanceof Error ? err.message : 'could not load conversations');
      })
      .finally(() => {
        if (active) setLoading(false);
      });
    return () => {
      active = false;
      unsubscribe();
    };
  }, [client]);

  const upsert = useCallback((conversation: Conversation) => {
    setList((prev) => mergeConversations(prev, [conversation]));
  }, []);

  const remove = useCallback((conversationId: string) => {
    setList((prev) => prev.filter((c) => c.id !== conversationId));
  }, []);

  return { list, loading, error, upsert, remove };
}

function mergeConversations(base: readonly Conversation[], extra: readonly Conversation[]): Conversation[] {
  const byId = new Map(base.map((c) => [c.id, c] as const));
  for (const c of extra) byId.set(c.id, c);
  return [...byId.values()];
}
