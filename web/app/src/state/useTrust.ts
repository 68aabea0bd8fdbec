import { useCallback, useEffect, useState } from 'react';
import type { TrustState } from '@cipherlink/client';
import { useClient } from './ClientContext';
import { useTrustRevision } from './TrustContext';

export interface Trust {
  /** null until the first read finished. */
  trust: TrustState | null;
  /** Mark the contact verified after comparing safety numbers (refused while the key is `changed`). */
  markVerified(): Promise<void>;
  unmarkVerified(): Promise<void>;
  /** Pin the contact's new identity key (after a change): unblocks sending, clears the notices. */
  acceptChange(): Promise<void>;
}

/** This device's trust in one contact's identity key, and the actions that change it. */
export function useTrust(userId: string | undefined): Trust {
  const client = useClient();
  const { revision, changed } = useTrustRevision();
  const [trust, setTrust] = useState<TrustState | null>(null);

  useEffect(() => {
    if (!userId) return;
    let active = true;
    client
      .trustOf(userId)
      .then((t) => active && setTrust(t))
      .catch((err: unknown) => console.warn('could not read trust', err));
    return () => {
      active = false;
    };
  }, [client, userId, revision]);

  const run = useCallback(
    async (action: (id: string) => Promise<void>) => {
      if (!userId) return;
      try {
        await action(userId);
      } finally {
        changed();
      }
    },
    [userId, changed],
  );

  return {
    trust: userId ? trust : null,
    markVerified: useCallback(() => run((id) => client.markVerified(id)), [client, run]),
    unmarkVerified: useCallback(() => run((id) => client.unmarkVerified(id)), [client, run]),
    acceptChange: useCallback(() => run((id) => client.acceptIdentityChange(id)), [client, run]),
  };
}
