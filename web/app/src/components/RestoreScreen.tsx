import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { PublicUser } from '@cipherlink/proto';
import { useClient } from '../state/ClientContext';
import { describeError } from '../lib/errors';
import { recoveryKeyProgress } from '../lib/recovery-key';
import { KeyIcon } from './icons';
import { ResetIdentitySection } from './ResetIdentitySection';
import { Spinner } from './Spinner';
import { ui } from './styles';

type Method = 'recovery-key' | 'passphrase';

interface RestoreError {
  /** The SDK error's name (for tests and styling), or 'other'. */
  kind: string;
  text: string;
}

interface Props {
  me: PublicUser;
  /** `needs-restore`: a browser without this user's keys; `device-removed`: this device's keys were revoked. */
  reason: 'needs-restore' | 'device-removed';
  /** The user reset their identity: show the new recovery key. */
  onReset(recoveryKey: string): void;
  onSignOut(): Promise<void>;
}

/**
 * "Unlock your messages": a browser that has no keys for a user who has them elsewhere restores them from the
 * encrypted key backup with the recovery key (or the backup passphrase), or, as a last resort, resets them.
 */
export function RestoreScreen({ me, reason, onReset, onSignOut }: Props) {
  const client = useClient();
  const [method, setMethod] = useState<Method>('recovery-key');
  const [recoveryKey, setRecoveryKey] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<RestoreError | null>(null);
  const [resetOpen, setResetOpen] = useState(false);
  const input = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const progress = recoveryKeyProgress(recoveryKey);

  useEffect(() => {
    input.current?.focus();
  }, [method]);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const value = method === 'recovery-key' ? recoveryKey.trim() : passphrase;
    if (!value) {
      setError({ kind: 'empty', text: method === 'recovery-key' ? 'Enter your recovery key.' : 'Enter your backup passphrase.' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // On success the SDK's state becomes 'ready' and the app moves on to the messenger by itself.
      if (method === 'recovery-key') await client.restoreFromRecoveryKey(value);
      else await client.restoreFromPassphrase(value);
    } catch (err) {
      const failure = restoreErrorOf(err, method);
      setError(failure);
      if (failure.kind === 'NoKeyBackupError') setResetOpen(true);
      setBusy(false);
    }
  }

  const removed = reason === 'device-removed';

  return (
    <main data-testid="restore-screen" data-reason={reason} className="flex min-h-full items-center justify-center px-4 py-8 sm:py-12">
      <div className="w-full max-w-lg space-y-4">
        <div className="text-center">
          <div className="mx-auto mb-4 flex h-12 w-12 items-center justify-center rounded-2xl bg-emerald-500/15 text-emerald-600 dark:text-emerald-400">
            <KeyIcon className="h-6 w-6" />
          </div>
          <h1 className="text-2xl font-semibold tracking-tight">{removed ? 'Unlock this device again' : 'Unlock your messages'}</h1>
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
            {removed
              ? 'This device was removed from your account, or your encryption keys were reset on another device. Enter your recovery key to use it again.'
              : `You're signed in as ${me.username}, but this browser doesn't have your encryption keys yet. Enter the recovery key you saved when you first signed in.`}
          </p>
        </div>

        <form data-testid="restore-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-busy={busy} className={`${ui.card} space-y-4`}>
          {method === 'recovery-key' ? (
            <label className="block">
              <span className={ui.label}>Recovery key</span>
              <textarea
                ref={input}
                data-testid="restore-key"
                rows={3}
                disabled={busy}
                autoComplete="off"
                autoCapitalize="characters"
                autoCorrect="off"
                spellCheck={false}
                aria-describedby="restore-key-hint"
                aria-invalid={error !== null && error.kind !== 'empty' ? true : undefined}
                placeholder="XXXX XXXX XXXX XXXX …"
                value={recoveryKey}
                onChange={(e) => {
                  setRecoveryKey(e.target.value);
                  setError(null);
                }}
                className={`${ui.input} field-sizing-content min-h-24 resize-none font-mono tracking-wider uppercase placeholder:normal-case`}
              />
              <span id="restore-key-hint" className="mt-1.5 flex justify-between gap-3 text-xs text-slate-500 dark:text-slate-400">
                <span>16 groups of 4 letters and digits. Spaces and dashes don&apos;t matter.</span>
                <span aria-hidden="true" className={`shrink-0 tabular-nums ${progress.characters === progress.expected ? 'text-emerald-600 dark:text-emerald-400' : ''}`}>
                  {progress.characters}/{progress.expected}
                </span>
              </span>
            </label>
          ) : (
            <label className="block">
              <span className={ui.label}>Backup passphrase</span>
              <input
                ref={input}
                data-testid="restore-passphrase"
                type="password"
                disabled={busy}
                autoComplete="off"
                value={passphrase}
                onChange={(e) => {
                  setPassphrase(e.target.value);
                  setError(null);
                }}
                className={ui.input}
              />
              <span className="mt-1.5 block text-xs text-slate-500 dark:text-slate-400">The passphrase you set for your key backup in Security.</span>
            </label>
          )}

          {error && (
            <p data-testid="restore-error" data-error={error.kind} role="alert" className={ui.error}>
              {error.text}
            </p>
          )}

          {busy && (
            <div data-testid="restore-progress" role="status" className="flex items-center gap-3 rounded-lg bg-emerald-500/10 px-3 py-2.5 text-sm text-emerald-800 dark:text-emerald-300">
              <Spinner label="Restoring" className="h-4 w-4" />
              <span>Restoring your keys… Opening your backup and fetching the keys of your conversations.</span>
            </div>
          )}

          <div className="flex flex-col gap-2 sm:flex-row-reverse sm:items-center sm:justify-between">
            <button data-testid="restore-submit" type="submit" disabled={busy} className={ui.primaryLarge}>
              {busy && <Spinner label="Restoring" className="h-3.5 w-3.5" />}
              Restore
            </button>
            <button
              data-testid="restore-switch"
              type="button"
              disabled={busy}
              onClick={() => {
                setMethod(method === 'recovery-key' ? 'passphrase' : 'recovery-key');
                setError(null);
              }}
              className="rounded-lg px-2 py-2 text-sm font-medium text-emerald-700 underline-offset-2 hover:underline disabled:opacity-50 dark:text-emerald-400"
            >
              {method === 'recovery-key' ? 'Use my backup passphrase instead' : 'Use my recovery key instead'}
            </button>
          </div>
        </form>

        <ResetIdentitySection open={resetOpen} onOpenChange={setResetOpen} disabled={busy} onReset={onReset} />

        <p className="text-center text-sm text-slate-500 dark:text-slate-400">
          Not {me.username}?{' '}
          <button data-testid="signout" type="button" onClick={() => void onSignOut()} className="font-medium text-slate-700 underline underline-offset-2 dark:text-slate-200">
            Sign out
          </button>
        </p>
      </div>
    </main>
  );
}

/** What went wrong, in words that say what to do next. Nothing was stored or changed when these are thrown. */
function restoreErrorOf(err: unknown, method: Method): RestoreError {
  const kind = err instanceof Error ? err.name : 'other';
  const what = method === 'recovery-key' ? 'recovery key' : 'passphrase';
  switch (kind) {
    case 'InvalidRecoveryKeyError':
      return { kind, text: "That isn't a valid recovery key: a character is wrong or missing. Check it against the one you wrote down." };
    case 'WrongBackupKeyError':
      return { kind, text: `That ${what} doesn't open your key backup. Check that it belongs to this account, and that it is your latest one.` };
    case 'NoKeyBackupError':
      return { kind, text: 'Your account has no key backup, so there is nothing to restore. You can reset your encryption keys below.' };
    case 'BackupIdentityMismatchError':
      return { kind, text: 'That backup belongs to an older identity key of your account (the keys were reset since). Use your newest recovery key.' };
    default:
      return { kind: 'other', text: describeError(err, 'Could not restore your keys. Please try again.') };
  }
}
