import type { SignedInSession } from '../state/useAuth';
import { useEncryptionState } from '../state/useEncryption';
import { TrustProvider } from '../state/TrustContext';
import { MainScreen } from './MainScreen';
import { RecoveryKeyScreen } from './RecoveryKeyScreen';
import { RestoreScreen } from './RestoreScreen';

interface Props {
  session: SignedInSession;
  /** Set right after the keys were created (first sign-in, or a reset): shown once before anything else. */
  recoveryKey: string | null;
  onRecoveryKeySaved(): void;
  onNewRecoveryKey(recoveryKey: string): void;
  onSignOut(): Promise<void>;
}

/**
 * What a signed-in user sees, by the state of end-to-end encryption on this device: the new recovery key first
 * (once), the restore screen while this browser has no keys (a second or cleared browser, or a removed device),
 * the messenger otherwise.
 */
export function SignedInApp({ session, recoveryKey, onRecoveryKeySaved, onNewRecoveryKey, onSignOut }: Props) {
  const live = useEncryptionState();
  // Before the SDK's first event the sign-in's own answer is the best knowledge.
  const encryption = live === 'idle' ? session.encryption : live;

  if (recoveryKey) {
    return <RecoveryKeyScreen recoveryKey={recoveryKey} username={session.user.username} onDone={onRecoveryKeySaved} />;
  }
  if (encryption === 'needs-restore' || encryption === 'device-removed') {
    return <RestoreScreen me={session.user} reason={encryption} onReset={onNewRecoveryKey} onSignOut={onSignOut} />;
  }
  return (
    <TrustProvider>
      <MainScreen session={session} onSignOut={onSignOut} />
    </TrustProvider>
  );
}
