import { createContext, useContext, type ReactNode } from 'react';
import type { CipherLinkClient } from '@cipherlink/client';

const ClientContext = createContext<CipherLinkClient | null>(null);

/** Makes the one SDK instance (created in main.tsx) available to every component. */
export function ClientProvider({ client, children }: { client: CipherLinkClient; children: ReactNode }) {
  return <ClientContext value={client}>{children}</ClientContext>;
}

/** The SDK instance. All network, crypto and key storage go through it; the UI never touches them directly. */
export function useClient(): CipherLinkClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient must be used inside <ClientProvider>');
  return client;
}
