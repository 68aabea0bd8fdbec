import type { PublicUser } from '@cipherlink/proto';
import { useSecurity } from '../state/useSecurity';
import { ChangePasswordForm } from './ChangePasswordForm';
import { DeleteAccountSection } from './DeleteAccountSection';
import { KeyBackupSection } from './KeyBackupSection';
import { Modal } from './Modal';
import { SecurityEventList } from './SecurityEventList';
import { SessionList } from './SessionList';
import { ShieldIcon } from './ShieldIcon';

/** Security settings: sessions, recent security activity, key backup, password, account deletion. Full screen on phones. */
export function SecurityPanel({ me, onClose }: { me: PublicUser; onClose(): void }) {
  const security = useSecurity();

  return (
    <Modal
      onClose={onClose}
      labelledBy="security-title"
      testId="security-panel"
      className="my-0 mr-0 ml-auto h-dvh max-h-dvh w-full max-w-full md:w-[34rem]"
    >
      <div className="flex h-full flex-col bg-slate-50 shadow-2xl md:border-l md:border-slate-200 dark:bg-slate-950 md:dark:border-slate-800">
        <header className="flex items-center gap-3 border-b border-slate-200 bg-white px-4 pt-[max(0.75rem,env(safe-area-inset-top))] pb-3 dark:border-slate-800 dark:bg-slate-900/60">
          <span className="flex h-9 w-9 items-center justify-center rounded-full bg-emerald-500/15 text-emerald-600 dark:text-emerald-400">
            <ShieldIcon className="h-5 w-5" />
          </span>
          <div className="min-w-0 flex-1">
            <h2 id="security-title" className="font-semibold">
              Security
            </h2>
            <p className="truncate text-xs text-slate-500 dark:text-slate-400">Signed in as {me.username}</p>
          </div>
          <button
            data-testid="security-close"
            type="button"
            onClick={onClose}
            aria-label="Close security settings"
            className="rounded-lg p-2 text-slate-500 transition hover:bg-slate-100 dark:hover:bg-slate-800"
          >
            <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="h-5 w-5">
              <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
            </svg>
          </button>
        </header>
        <div className="flex-1 space-y-4 overflow-y-auto px-3 py-4 pb-[max(1rem,env(safe-area-inset-bottom))] sm:px-5">
          <SessionList security={security} />
          <SecurityEventList events={security.events} loading={security.loading} />
          <KeyBackupSection />
          <ChangePasswordForm username={me.username} onChange={security.changePassword} />
          <DeleteAccountSection username={me.username} onDelete={security.deleteAccount} />
        </div>
      </div>
    </Modal>
  );
}
