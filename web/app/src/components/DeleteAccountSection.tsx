import { useState, type FormEvent } from 'react';
import { describeError } from '../lib/errors';
import { Modal } from './Modal';
import { Spinner } from './Spinner';
import { ui } from './styles';

/** "Delete account", confirmed with the password in a dialog. On success the SDK signs every session out. */
export function DeleteAccountSection({ username, onDelete }: { username: string; onDelete(password: string): Promise<void> }) {
  const [open, setOpen] = useState(false);

  return (
    <section aria-labelledby="delete-title" className={`${ui.card} border-red-500/30 dark:border-red-500/30`}>
      <h3 id="delete-title" className={`${ui.cardTitle} text-red-700 dark:text-red-400`}>
        Delete account
      </h3>
      <p className={ui.cardText}>Permanently deletes your account and signs you out on every device. This can&apos;t be undone.</p>
      <button data-testid="account-delete" type="button" onClick={() => setOpen(true)} className={`mt-4 ${ui.danger}`}>
        Delete account…
      </button>
      {open && <DeleteAccountDialog username={username} onDelete={onDelete} onClose={() => setOpen(false)} />}
    </section>
  );
}

function DeleteAccountDialog({ username, onDelete, onClose }: { username: string; onDelete(password: string): Promise<void>; onClose(): void }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    if (!password) return setError('Enter your password to confirm.');
    setBusy(true);
    setError(null);
    try {
      // On success the app leaves this screen: the SDK signs out and the sign-in screen says why.
      await onDelete(password);
    } catch (err) {
      setError(describeError(err, 'Could not delete the account.'));
      setBusy(false);
    }
  }

  return (
    <Modal
      onClose={() => !busy && onClose()}
      labelledBy="delete-dialog-title"
      testId="account-delete-dialog"
      className="m-auto w-[calc(100%-2rem)] max-w-md"
    >
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="rounded-2xl border border-slate-200 bg-white p-5 shadow-xl dark:border-slate-800 dark:bg-slate-900">
        <h2 id="delete-dialog-title" className="text-lg font-semibold">
          Delete your account?
        </h2>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
          <span className="font-medium">{username}</span> and its sessions will be deleted, and every device will be signed out. Enter your
          password to confirm.
        </p>
        <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
        <label className="mt-4 block">
          <span className={ui.label}>Password</span>
          <input
            data-testid="account-delete-password"
            type="password"
            autoComplete="current-password"
            autoFocus
            maxLength={1024}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            className={ui.input}
          />
        </label>
        {error && (
          <p data-testid="account-delete-error" role="alert" className={`mt-3 ${ui.error}`}>
            {error}
          </p>
        )}
        <div className="mt-5 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <button data-testid="account-delete-cancel" type="button" disabled={busy} onClick={onClose} className={ui.secondary}>
            Cancel
          </button>
          <button data-testid="account-delete-confirm" type="submit" disabled={busy} className={ui.dangerSolid}>
            {busy && <Spinner label="Deleting account" className="h-3.5 w-3.5" />}
            Delete account
          </button>
        </div>
      </form>
    </Modal>
  );
}
