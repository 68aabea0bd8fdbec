import { useCallback, useEffect, useRef, useState } from 'react';
import type { SecurityNotice } from '@cipherlink/client';
import { useClient } from './ClientContext';
import { useTrustRevision } from './TrustContext';

export interface IdentityAlerts {
  /** "X's safety number changed" markers of this conversation, until the change is accepted. */
  notices: SecurityNotice[];
  /** Contacts whose *verified* key changed: sending here is blocked until their new key is accepted. */
  blocked: ReadonlySet<string>;
  /** A send was refused for these contacts (UntrustedIdentityError). */
  markBlocked(userIds: readonly string[]): void;
  accept(userId: string): Promise<void>;
}

/** Identity-key changes of the members of one conversation, from the SDK's notices and `identity-changed` events. */
export function useIdentityAlerts(conversationId: string): IdentityAlerts {
  const client = useClient();
  const { revision, changed } = useTrustRevision();
  const [notices, setNotices] = useState<SecurityNotice[]>([]);
  const [blocked, setBlocked] = useState<ReadonlySet<string>>(() => new Set());
  const blockedRef = useRef(blocked);
  useEffect(() => {
    blockedRef.current = blocked;
  }, [blocked]);

  useEffect(() => {
    let active = true;
    // Awaited whether the SDK answers at once or asynchronously (it reads its key store).
    Promise.resolve(client.securityNotices(conversationId))
      .then((list) => active && setNotices(list))
      .catch((err: unknown) => console.warn('could not read security notices', err));
    return () => {
      active = false;
    };
  }, [client, conversationId, revision]);

  // Accepted elsewhere (the safety number dialog, another conversation): a contact no longer 'changed' is unblocked.
  useEffect(() => {
    let active = true;
    void (async () => {
      const settled: string[] = [];
      for (const userId of blockedRef.current) {
        const trust = await client.trustOf(userId).catch(() => 'changed' as const);
        if (trust !== 'changed') settled.push(userId);
      }
      if (active && settled.length > 0) setBlocked((prev) => new Set([...prev].filter((id) => !settled.includes(id))));
    })();
    return () => {
      active = false;
    };
  }, [client, revision]);

  useEffect(
    () =>
      client.on('identity-changed', (e) => {
        if (!e.conversationIds.includes(conversationId)) return;
        setBlocked((prev) => {
          const next = new Set(prev);
          if (e.blocked) next.add(e.userId);
          else next.delete(e.userId);
          return next;
        });
      }),
    [client, conversationId],
  );

  const markBlocked = useCallback((userIds: readonly string[]) => {
    setBlocked((prev) => new Set([...prev, ...userIds]));
  }, []);

  const accept = useCallback(
    async (userId: string) => {
      try {
        await client.acceptIdentityChange(userId);
        setBlocked((prev) => {
          const next = new Set(prev);
          next.delete(userId);
          return next;
        });
      } finally {
        changed();
      }
    },
    [client, changed],
  );

  return { notices, blocked, markBlocked, accept };
}
