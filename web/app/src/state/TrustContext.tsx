import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useClient } from './ClientContext';

interface TrustRevision {
  /** Grows whenever trust in some contact may have changed; hooks that read trust re-read on change. */
  revision: number;
  /** Call after this app changed trust itself (marked verified, accepted a key): the SDK has no event for that. */
  changed(): void;
}

const TrustContext = createContext<TrustRevision>({ revision: 0, changed: () => undefined });

/**
 * One counter for "trust may have changed": bumped by the SDK's `identity-changed` event and by the app's own
 * verify / accept actions, so every badge, banner and member row reads the SDK again.
 */
export function TrustProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const [revision, setRevision] = useState(0);
  const changed = useCallback(() => setRevision((r) => r + 1), []);
  useEffect(() => client.on('identity-changed', changed), [client, changed]);
  const value = useMemo(() => ({ revision, changed }), [revision, changed]);
  return <TrustContext value={value}>{children}</TrustContext>;
}

export function useTrustRevision(): TrustRevision {
  return useContext(TrustContext);
}
