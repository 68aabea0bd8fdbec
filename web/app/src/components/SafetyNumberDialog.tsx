import { useEffect, useState } from 'react';
import type { SafetyNumberView } from '@cipherlink/client';
import { useClient } from '../state/ClientContext';
import { useTrust } from '../state/useTrust';
import { useTrustRevision } from '../state/TrustContext';
import { describeError } from '../lib/errors';
import { Modal } from './Modal';
import { QrCode } from './QrCode';
import { Spinner } from './Spinner';
import { CheckBadgeIcon, CloseIcon, WarningIcon } from './icons';
import { ui } from './styles';

interface Props {
  user: { id: string; username: string };
  onClose(): void;
}

type Busy = 'verify' | 'unverify' | 'accept' | null;

/**
 * The safety number of the local user and one contact: 60 digits in 12 groups of 5 and a QR code of the same, to
 * compare in person or over a trusted call; then "Mark as verified". After an identity change it says so and asks
 * to accept the new key first.
 */
export function SafetyNumberDialog({ user, onClose }: Props) {
  const client = useClient();
  const { revision } = useTrustRevision();
  const { trust, markVerified, unmarkVerified, acceptChange } = useTrust(user.id);
  const [number, setNumber] = useState<SafetyNumberView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    client
      .safetyNumber(user.id)
      .then((n) => {
        if (!active) return;
        setNumber(n);
        setLoadError(null);
      })
      .catch((err: unknown) => active && setLoadError(describeError(err, 'Could not compute the safety number.')));
    return () => {
      active = false;
    };
  }, [client, user.id, revision]);

  async function run(kind: Exclude<Busy, null>, action: () => Promise<void>) {
    setBusy(kind);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(null);
    }
  }

  const verified = trust === 'verified';
  const changed = trust === 'changed';

  return (
    <Modal onClose={onClose} labelledBy="safety-title" testId="safety-number-dialog" className="m-auto w-[calc(100%-1rem)] max-w-xl sm:w-[calc(100%-2rem)]">
      <div className="max-h-[calc(100dvh-1rem)] overflow-y-auto rounded-2xl border border-slate-200 bg-white p-4 shadow-xl sm:p-6 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex items-start gap-3">
          <div className="min-w-0 flex-1">
            <h2 id="safety-title" className="text-lg font-semibold">
              Safety number with {user.username}
            </h2>
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
              Compare it with {user.username}, in person or on a call you trust. If both screens show the same number,
              nobody can read your messages in between.
            </p>
          </div>
          <button type="button" onClick={onClose} aria-label="Close" data-testid="safety-close" className="-mt-1 -mr-1 rounded-lg p-2 text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800">
            <CloseIcon className="h-5 w-5" />
          </button>
        </div>

        {changed && (
          <div data-testid="safety-changed" role="alert" className="mt-4 flex gap-3 rounded-lg border border-amber-500/40 bg-amber-500/10 p-3 text-sm text-amber-900 dark:text-amber-200">
            <WarningIcon className="mt-0.5 h-5 w-5 shrink-0" />
            <div className="min-w-0 flex-1">
              <p className="font-semibold">{user.username}&apos;s safety number changed.</p>
              <p className="mt-1">
                They may have reset their keys or set up CipherLink again, or someone may be trying to step in. This number is for
                their new key: compare it, then accept it.
              </p>
              <button data-testid="safety-accept-key" type="button" disabled={busy !== null} onClick={() => void run('accept', acceptChange)} className={`mt-3 ${ui.secondary} bg-white dark:bg-slate-900`}>
                {busy === 'accept' && <Spinner label="Accepting" className="h-3.5 w-3.5" />}
                Accept new key
              </button>
            </div>
          </div>
        )}

        {loadError ? (
          <p role="alert" className={`mt-4 ${ui.error}`}>
            {loadError}
          </p>
        ) : !number ? (
          <div className="flex justify-center py-10 text-slate-400">
            <Spinner label="Computing the safety number" />
          </div>
        ) : (
          <div className="mt-5 flex flex-col items-center gap-5 sm:flex-row sm:items-start">
            <ol
              data-testid="safety-number"
              data-digits={number.digits}
              aria-label={`Safety number: ${number.groups.join(' ')}`}
              className="grid w-full max-w-xs grid-cols-4 gap-x-3 gap-y-2 font-mono text-lg tracking-wider tabular-nums sm:flex-1"
            >
              {number.groups.map((group, i) => (
                <li key={i} data-testid="safety-number-group" className="text-center">
                  {group}
                </li>
              ))}
            </ol>
            <figure className="flex flex-col items-center gap-1.5">
              <QrCode payload={number.qrPayload} label={`QR code of the safety number with ${user.username}`} className="h-40 w-40 ring-1 ring-slate-200 dark:ring-0" />
              <figcaption className="text-xs text-slate-500 dark:text-slate-400">The same number as a QR code</figcaption>
            </figure>
          </div>
        )}

        {error && (
          <p role="alert" className={`mt-4 ${ui.error}`}>
            {error}
          </p>
        )}

        <div className="mt-6 flex flex-col-reverse gap-2 border-t border-slate-200 pt-4 sm:flex-row sm:items-center sm:justify-between dark:border-slate-800">
          {verified ? (
            <>
              <button data-testid="safety-unverify" type="button" disabled={busy !== null} onClick={() => void run('unverify', unmarkVerified)} className={ui.secondary}>
                {busy === 'unverify' && <Spinner label="Clearing" className="h-3.5 w-3.5" />}
                Clear verification
              </button>
              <span data-testid="safety-verified-badge" className="inline-flex items-center justify-center gap-1.5 text-sm font-medium text-emerald-700 dark:text-emerald-400">
                <CheckBadgeIcon className="h-5 w-5" />
                You verified {user.username}
              </span>
            </>
          ) : (
            <>
              <button type="button" onClick={onClose} className={ui.secondary}>
                Not now
              </button>
              <button
                data-testid="safety-mark-verified"
                type="button"
                disabled={busy !== null || changed || !number || trust === null}
                title={changed ? 'Accept the new key first' : undefined}
                onClick={() => void run('verify', markVerified)}
                className={ui.primary}
              >
                {busy === 'verify' && <Spinner label="Marking as verified" className="h-3.5 w-3.5" />}
                Mark as verified
              </button>
            </>
          )}
        </div>
      </div>
    </Modal>
  );
}
