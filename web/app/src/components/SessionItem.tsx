import { useState } from 'react';
import type { SessionInfo } from '@cipherlink/client';
import { describeError } from '../lib/errors';
import { formatFull, formatLastSeen } from '../lib/time';
import { DeviceIcon } from './DeviceIcon';
import { Spinner } from './Spinner';
import { ui } from './styles';

/** One signed-in session: device, when it signed in and was last used, roughly from where; "Sign out" for others. */
export function SessionItem({ session, onRevoke }: { session: SessionInfo; onRevoke(id: string): Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function revoke() {
    setBusy(true);
    setError(null);
    try {
      await onRevoke(session.id);
    } catch (err) {
      setError(describeError(err, 'Could not sign that session out.'));
      setBusy(false);
    }
  }

  return (
    <li data-testid="session-item" data-current={session.current ? 'true' : 'false'} data-session-id={session.id} className="flex gap-3 py-3">
      <span
        className={`flex h-10 w-10 shrink-0 items-center justify-center rounded-full ${
          session.current ? 'bg-emerald-500/15 text-emerald-600 dark:text-emerald-400' : 'bg-slate-100 text-slate-500 dark:bg-slate-800 dark:text-slate-400'
        }`}
      >
        <DeviceIcon label={session.device} />
      </span>
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span data-testid="session-device" className="min-w-0 font-medium break-words">
            {session.device}
          </span>
          {session.current && (
            <span data-testid="session-this-device" className="rounded-full bg-emerald-500/15 px-2 py-0.5 text-xs font-medium text-emerald-700 dark:text-emerald-400">
              This device
            </span>
          )}
        </p>
        <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-300">
          {session.current ? (
            'Active now'
          ) : (
            <>
              Last active <time dateTime={session.lastUsedAt} title={formatFull(session.lastUsedAt)}>{formatLastSeen(session.lastUsedAt)}</time>
            </>
          )}
        </p>
        <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
          Signed in{' '}
          <time dateTime={session.createdAt} title={formatFull(session.createdAt)}>
            {formatLastSeen(session.createdAt)}
          </time>
          <span aria-hidden="true"> · </span>
          <span title="Approximate network location of the sign-in (the address is truncated)">{session.location}</span>
        </p>
        {error && (
          <p role="alert" className="mt-2 text-sm text-red-600 dark:text-red-400">
            {error}
          </p>
        )}
      </div>
      {!session.current && (
        <div className="shrink-0 self-center">
          <button data-testid="session-revoke" type="button" disabled={busy} onClick={() => void revoke()} className={ui.secondary}>
            {busy && <Spinner label="Signing out" className="h-3.5 w-3.5" />}
            Sign out
          </button>
        </div>
      )}
    </li>
  );
}
