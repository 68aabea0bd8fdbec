import { useId, useState } from 'react';
import { useClient } from '../state/ClientContext';
import { describeError } from '../lib/errors';
import { Spinner } from './Spinner';
import { WarningIcon } from './icons';
import { ui } from './styles';

interface Props {
  open: boolean;
  onOpenChange(open: boolean): void;
  /** Another action (a restore) is running. */
  disabled: boolean;
  onReset(recoveryKey: string): void;
}

/**
 * "I lost my recovery key": start over with a new identity. Irreversible, so it is folded away, says plainly what
 * is lost, and needs an explicit "I understand" before the button works.
 */
export function ResetIdentitySection({ open, onOpenChange, disabled, onReset }: Props) {
  const client = useClient();
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const checkboxId = useId();
  const panelId = useId();

  async function reset() {
    if (!understood || busy) return;
    setBusy(true);
    setError(null);
    try {
      const { recoveryKey } = await client.resetIdentity();
      onReset(recoveryKey);
    } catch (err) {
      setError(describeError(err, 'Could not reset your keys. Please try again.'));
      setBusy(false);
    }
  }

  return (
    <section className={`${ui.card} ${open ? 'border-red-500/40 dark:border-red-500/40' : ''}`}>
      <button
        data-testid="restore-lost-key"
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        disabled={disabled || busy}
        onClick={() => onOpenChange(!open)}
        className="flex w-full items-center justify-between gap-3 text-left text-sm font-medium disabled:opacity-50"
      >
        <span>I lost my recovery key</span>
        <span aria-hidden="true" className={`text-slate-400 transition ${open ? 'rotate-180' : ''}`}>
          ▾
        </span>
      </button>

      {open && (
        <div id={panelId} data-testid="reset-panel" className="mt-4 space-y-4">
          <div role="note" className="flex gap-3 rounded-lg border border-red-500/30 bg-red-500/10 p-3 text-sm text-red-800 dark:text-red-300">
            <WarningIcon className="mt-0.5 h-5 w-5 shrink-0" />
            <div>
              <p className="font-semibold">Resetting your encryption keys can&apos;t be undone.</p>
              <ul className="mt-2 list-disc space-y-1 pl-4">
                <li>
                  <strong>Your message history becomes unreadable</strong>, here and on every device, for good.
                </li>
                <li>Your other browsers and devices stop working until you enter the new recovery key there.</li>
                <li>Your contacts will see that your safety number changed; anyone who verified you must verify you again.</li>
              </ul>
            </div>
          </div>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            If you still have CipherLink open in another browser, your keys are there: sign in there and set a backup
            passphrase in Security instead.
          </p>
          <div className="flex items-start gap-3">
            <input
              id={checkboxId}
              data-testid="reset-understand"
              type="checkbox"
              checked={understood}
              disabled={busy}
              onChange={(e) => setUnderstood(e.target.checked)}
              className="mt-0.5 h-5 w-5 shrink-0 accent-red-600"
            />
            <label htmlFor={checkboxId} className="text-sm font-medium">
              I understand that my old messages will be lost and my contacts will be warned.
            </label>
          </div>
          {error && (
            <p data-testid="reset-error" role="alert" className={ui.error}>
              {error}
            </p>
          )}
          <button data-testid="reset-confirm" type="button" disabled={!understood || busy || disabled} onClick={() => void reset()} className={`${ui.dangerSolid} w-full sm:w-auto`}>
            {busy && <Spinner label="Resetting keys" className="h-3.5 w-3.5" />}
            Reset keys and create a new recovery key
          </button>
        </div>
      )}
    </section>
  );
}
