import { useState } from 'react';
import type { SecurityNotice } from '@cipherlink/client';
import { describeError } from '../lib/errors';
import { formatFull, formatLastSeen } from '../lib/time';
import { Spinner } from './Spinner';
import { WarningIcon } from './icons';
import { ui } from './styles';

interface Props {
  /** One entry per contact whose identity key changed (notices, or a send refused for them). */
  changes: { userId: string; username: string; notice: SecurityNotice | undefined; blocked: boolean }[];
  onViewSafetyNumber(userId: string): void;
  onAccept(userId: string): Promise<void>;
}

/**
 * "X's safety number changed", in the conversation, until the user accepts the new key. When X was verified the
 * banner says that sending is paused, and accepting is what resumes it.
 */
export function IdentityChangeBanner({ changes, onViewSafetyNumber, onAccept }: Props) {
  if (changes.length === 0) return null;
  return (
    <div className="space-y-2 border-b border-amber-500/30 bg-amber-50 px-3 py-2.5 md:px-6 dark:bg-amber-500/10">
      {changes.map((c) => (
        <ChangeRow key={c.userId} change={c} onViewSafetyNumber={onViewSafetyNumber} onAccept={onAccept} />
      ))}
    </div>
  );
}

function ChangeRow({ change, onViewSafetyNumber, onAccept }: { change: Props['changes'][number] } & Omit<Props, 'changes'>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function accept() {
    setBusy(true);
    setError(null);
    try {
      await onAccept(change.userId);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <div
      data-testid="identity-changed-banner"
      data-user={change.username}
      data-blocked={change.blocked ? 'true' : 'false'}
      role="alert"
      className="mx-auto flex max-w-3xl flex-col gap-2 text-sm text-amber-900 sm:flex-row sm:items-center dark:text-amber-200"
    >
      <div className="flex min-w-0 flex-1 gap-2.5">
        <WarningIcon className="mt-0.5 h-5 w-5 shrink-0 text-amber-600 dark:text-amber-400" />
        <div className="min-w-0">
          <p className="font-semibold">
            {change.username}&apos;s safety number changed
            {change.notice && (
              <span className="font-normal text-amber-800/80 dark:text-amber-200/70">
                {' · '}
                <time dateTime={change.notice.at} title={formatFull(change.notice.at)}>
                  {formatLastSeen(change.notice.at)}
                </time>
              </span>
            )}
          </p>
          <p className="mt-0.5 text-amber-900/90 dark:text-amber-200/90">
            {change.blocked
              ? `You had verified ${change.username}, so sending here is paused. Compare the new safety number with them, then accept the new key.`
              : `They may have reset their keys or signed in on a new setup. Compare the new safety number if you want to be sure.`}
          </p>
          {error && (
            <p role="alert" className="mt-1 text-red-700 dark:text-red-400">
              {error}
            </p>
          )}
        </div>
      </div>
      <div className="flex shrink-0 gap-2 pl-7 sm:pl-0">
        <button data-testid="identity-view" type="button" onClick={() => onViewSafetyNumber(change.userId)} className={`${ui.secondary} bg-white dark:bg-slate-900`}>
          Safety number
        </button>
        <button data-testid="identity-accept" type="button" disabled={busy} onClick={() => void accept()} className={ui.primary}>
          {busy && <Spinner label="Accepting" className="h-3.5 w-3.5" />}
          Accept new key
        </button>
      </div>
    </div>
  );
}
