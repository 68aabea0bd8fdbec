import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { BackupStatus, EncryptionState } from '@cipherlink/client';
import { useClient } from './ClientContext';

/** End-to-end encryption on this device as the SDK reports it: ready, needs-restore, device-removed, idle. */
export function useEncryptionState(): EncryptionState {
  const client = useClient();
  const subscribe = useCallback((onChange: () => void) => client.on('encryption', onChange), [client]);
  return useSyncExternalStore(subscribe, () => client.encryptionState);
}

/** The key backup's status (version, upload in progress, passphrase slot), kept current by the `backup` event. */
export function useBackupStatus(): BackupStatus {
  const client = useClient();
  const [status, setStatus] = useState<BackupStatus>(() => client.backupStatus());
  useEffect(() => {
    setStatus(client.backupStatus());
    return client.on('backup', setStatus);
  }, [client]);
  return status;
}
