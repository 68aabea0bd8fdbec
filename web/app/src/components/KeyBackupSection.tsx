import { useState, type FormEvent } from 'react';
import type { BackupStatus } from '@cipherlink/client';
import { useClient } from '../state/ClientContext';
import { useBackupStatus } from '../state/useEncryption';
import { describeError } from '../lib/errors';
import { Spinner } from './Spinner';
import { ui } from './styles';

/** The SDK refuses shorter backup passphrases (web/client V1_API.md, section 1). */
export const BACKUP_PASSPHRASE_MIN_CHARS = 15;

/**
 * The encrypted key backup: whether it is current, and an optional backup passphrase as a second way in besides the
 * recovery key.
 */
export function KeyBackupSection() {
  const client = useClient();
  const status = useBackupStatus();
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const length = [...passphrase].length;

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    setDone(false);
    if (length < BACKUP_PASSPHRASE_MIN_CHARS) return setError(`Use at least ${BACKUP_PASSPHRASE_MIN_CHARS} characters.`);
    if (passphrase !== confirm) return setError("The two passphrases don't match.");
    setBusy(true);
    setError(null);
    try {
      await client.setBackupPassphrase(passphrase);
      setPassphrase('');
      setConfirm('');
      setDone(true);
    } catch (err) {
      setError(describeError(err, 'Could not set the passphrase.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="backup-title" data-testid="key-backup" className={ui.card}>
      <h3 id="backup-title" className={ui.cardTitle}>
        Key backup
      </h3>
      <p className={ui.cardText}>
        Your message keys are backed up encrypted, so a new browser can read your history. Only your recovery key, or a
        backup passphrase, opens the backup.
      </p>
      <BackupStatusLine status={status} />

      {status.canSetPassphrase ? (
        <form data-testid="backup-passphrase-form" onSubmit={(e) => void onSubmit(e)} noValidate className="mt-4 space-y-4 border-t border-slate-200 pt-4 dark:border-slate-800">
          <p className="text-sm font-medium">{status.hasPassphrase ? 'Change the backup passphrase' : 'Add a backup passphrase (optional)'}</p>
          <label className="block">
            <span className={ui.label}>Backup passphrase</span>
            <input
              data-testid="backup-passphrase"
              type="password"
              autoComplete="new-password"
              aria-describedby="backup-passphrase-hint"
              maxLength={1024}
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              className={ui.input}
            />
            <span id="backup-passphrase-hint" className="mt-1.5 flex justify-between gap-3 text-xs text-slate-500 dark:text-slate-400">
              <span>At least {BACKUP_PASSPHRASE_MIN_CHARS} characters. Don&apos;t reuse your account password: the server sees that one.</span>
              <span aria-hidden="true" className={`shrink-0 tabular-nums ${length >= BACKUP_PASSPHRASE_MIN_CHARS ? 'text-emerald-600 dark:text-emerald-400' : ''}`}>
                {length}/{BACKUP_PASSPHRASE_MIN_CHARS}
              </span>
            </span>
          </label>
          <label className="block">
            <span className={ui.label}>Repeat the passphrase</span>
            <input
              data-testid="backup-passphrase-confirm"
              type="password"
              autoComplete="new-password"
              maxLength={1024}
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              className={ui.input}
            />
          </label>
          {error && (
            <p data-testid="backup-passphrase-error" role="alert" className={ui.error}>
              {error}
            </p>
          )}
          {done && (
            <p data-testid="backup-passphrase-success" role="status" className={ui.success}>
              Passphrase set. You can now restore your keys with it as well as with your recovery key.
            </p>
          )}
          <button data-testid="backup-passphrase-save" type="submit" disabled={busy} className={ui.primary}>
            {busy && <Spinner label="Saving the passphrase" className="h-3.5 w-3.5" />}
            {status.hasPassphrase ? 'Change passphrase' : 'Set passphrase'}
          </button>
        </form>
      ) : (
        <p className="mt-3 text-sm text-slate-600 dark:text-slate-300">
          {status.canUpdate ? 'This browser keeps the backup up to date, but ' : 'This browser '}
          can&apos;t change the backup passphrase: that needs a browser that holds your recovery key (the one where you
          created your keys, or restored them with the recovery key).
        </p>
      )}
    </section>
  );
}

function BackupStatusLine({ status }: { status: BackupStatus }) {
  let text: string;
  let tone = 'text-slate-600 dark:text-slate-300';
  if (status.uploading) text = 'Backing up your keys…';
  else if (status.lastError) {
    // One known cause: another browser changed the backup's passphrase or reset the keys, and this one cannot open
    // the new backup without a secret it does not keep.
    text = status.canUpdate
      ? "The last backup didn't go through. It will be tried again when your keys change."
      : "This browser can't update the backup any more: it was changed on another browser. Your other browsers keep it up to date.";
    tone = 'text-amber-700 dark:text-amber-400';
  } else if (status.version !== null) text = status.hasPassphrase ? 'Backed up. A backup passphrase is set.' : 'Backed up.';
  else text = 'No backup yet.';
  return (
    <p data-testid="backup-status" role="status" className={`mt-3 flex items-center gap-2 text-sm ${tone}`}>
      {status.uploading ? (
        <Spinner label="Backing up" className="h-3.5 w-3.5" />
      ) : (
        <span aria-hidden="true" className={`h-2 w-2 rounded-full ${status.lastError ? 'bg-amber-500' : status.version !== null ? 'bg-emerald-500' : 'bg-slate-400'}`} />
      )}
      {text}
    </p>
  );
}
