import { useState } from 'react';
import type { Security } from '../state/useSecurity';
import { describeError } from '../lib/errors';
import { SessionItem } from './SessionItem';
import { Spinner } from './Spinner';
import { ui } from './styles';

type Busy = 'others' | 'everywhere' | null;

/** Where the account is signed in, with "sign out" for each other session, for all others, and everywhere. */
export function SessionList({ security }: { security: Security }) {
  const { sessions, loading, error } = security;
  const [busy, setBusy] = useState<Busy>(null);
  const [confirmEverywhere, setConfirmEverywhere] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const others = sessions.filter((s) => !s.current).length;

  async function run(kind: Exclude<Busy, null>) {
    setBusy(kind);
    setMessage(null);
    setActionError(null);
    try {
      if (kind === 'others') {
        const n = await security.revokeOthers();
        setMessage(n === 1 ? 'Signed out 1 other session.' : `Signed out ${n} other sessions.`);
      } else {
        // Signs this tab out too: the app returns to the sign-in screen.
        await security.logoutEverywhere();
      }
    } catch (err) {
      setActionError(describeError(err));
    } finally {
      setBusy(null);
      setConfirmEverywhere(false);
    }
  }

  return (
    <section aria-labelledby="sessions-title" className={ui.card}>
      <div className="flex items-start justify-between gap-3">
        <div>
          <h3 id="sessions-title" className={ui.cardTitle}>
            Where you&apos;re signed in
          </h3>
          <p className={ui.cardText}>Sign out any session you don&apos;t recognise.</p>
        </div>
        <button
          data-testid="sessions-reload"
          type="button"
          onClick={() => void security.reload()}
          aria-label="Refresh the list"
          title="Refresh"
          className="-mr-1 rounded-lg p-2 text-slate-500 transition hover:bg-slate-100 dark:hover:bg-slate-800"
        >
          <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden="true" className="h-4 w-4">
            <path d="M16 10a6 6 0 1 1-1.76-4.24M16 3.5V6h-2.5" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </button>
      </div>

      {loading ? (
        <div className="flex justify-center py-6 text-slate-400">
          <Spinner label="Loading sessions" />
        </div>
      ) : error ? (
        <p data-testid="sessions-error" role="alert" className={`mt-3 ${ui.error}`}>
          {error}
        </p>
      ) : (
        <ul data-testid="session-list" className="mt-2 divide-y divide-slate-200 dark:divide-slate-800">
          {sessions.map((s) => (
            <SessionItem key={s.id} session={s} onRevoke={security.revoke} />
          ))}
        </ul>
      )}

      {message && (
        <p data-testid="sessions-message" role="status" className={`mt-3 ${ui.success}`}>
          {message}
        </p>
      )}
      {actionError && (
        <p role="alert" className={`mt-3 ${ui.error}`}>
          {actionError}
        </p>
      )}

      <div className="mt-4 flex flex-col gap-2 border-t border-slate-200 pt-4 sm:flex-row sm:flex-wrap dark:border-slate-800">
        <button
          data-testid="sessions-revoke-others"
          type="button"
          disabled={busy !== null || loading || others === 0}
          onClick={() => void run('others')}
          className={ui.secondary}
        >
          {busy === 'others' && <Spinner label="Signing out other sessions" className="h-3.5 w-3.5" />}
          Sign out all other sessions
        </button>
        {confirmEverywhere ? (
          <div data-testid="logout-everywhere-prompt" className="flex flex-col gap-2 rounded-lg bg-red-500/5 p-3 sm:basis-full">
            <p className="text-sm">Sign out every session, including this one?</p>
            <div className="flex gap-2">
              <button data-testid="logout-everywhere-confirm" type="button" disabled={busy !== null} onClick={() => void run('everywhere')} className={ui.dangerSolid}>
                {busy === 'everywhere' && <Spinner label="Logging out everywhere" className="h-3.5 w-3.5" />}
                Log out everywhere
              </button>
              <button data-testid="logout-everywhere-cancel" type="button" disabled={busy !== null} onClick={() => setConfirmEverywhere(false)} className={ui.secondary}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button data-testid="logout-everywhere" type="button" disabled={busy !== null} onClick={() => setConfirmEverywhere(true)} className={ui.danger}>
            Log out everywhere
          </button>
        )}
      </div>
    </section>
  );
}
