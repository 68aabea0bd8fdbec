import { useCallback, useSyncExternalStore } from 'react';
import type { ConnectionState } from '@cipherlink/client';
import { useClient } from './ClientContext';

/** The WebSocket state as the SDK reports it. */
export function useConnectionState(): ConnectionState {
  const client = useClient();
  const subscribe = useCallback((onChange: () => void) => client.on('connection', onChange), [client]);
  return useSyncExternalStore(subscribe, () => client.connectionState);
}
