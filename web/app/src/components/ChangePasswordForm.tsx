import { useState, type FormEvent } from 'react';
import { Password, PASSWORD_MIN_CHARS } from '@cipherlink/proto';
import { describeError } from '../lib/errors';
import { Spinner } from './Spinner';
import { ui } from './styles';

interface Props {
  username: string;
  onChange(current: string, next: string): Promise<void>;
}

/** Change the password (NIST: length, not composition). The server signs the other sessions out. */
export function ChangePasswordForm({ username, onChange }: Props) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const length = [...next].length;

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    setDone(false);
    if (!current) return setError('Enter your current password.');
    const rule = Password.safeParse(next);
    if (!rule.success) return setError(capitalize(rule.error.issues[0]?.message ?? `Use at least ${PASSWORD_MIN_CHARS} characters.`));
    setBusy(true);
    setError(null);
    try {
      await onChange(current, next);
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (err) {
      setError(describeError(err, 'Could not change the password.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="password-title" className={ui.card}>
      <h3 id="password-title" className={ui.cardTitle}>
        Change password
      </h3>
      <p className={ui.cardText}>Your other sessions will be signed out. This one stays signed in.</p>
      <form data-testid="password-form" onSubmit={(e) => void onSubmit(e)} noValidate className="mt-4 space-y-4">
        {/* Lets password managers file the new password under the right account. */}
        <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
        <label className="block">
          <span className={ui.label}>Current password</span>
          <input
            data-testid="password-current"
            type="password"
            autoComplete="current-password"
            maxLength={1024}
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            className={ui.input}
          />
        </label>
        <label className="block">
          <span className={ui.label}>New password</span>
          <input
            data-testid="password-new"
            type="password"
            autoComplete="new-password"
            aria-describedby="password-new-hint"
            maxLength={256}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            className={ui.input}
          />
          <span id="password-new-hint" data-testid="password-hint" className="mt-1.5 flex justify-between gap-3 text-xs text-slate-500 dark:text-slate-400">
            <span>At least {PASSWORD_MIN_CHARS} characters. Length beats symbols: a few random words work well.</span>
            <span
              aria-hidden="true"
              className={`shrink-0 tabular-nums ${length >= PASSWORD_MIN_CHARS ? 'text-emerald-600 dark:text-emerald-400' : ''}`}
            >
              {length}/{PASSWORD_MIN_CHARS}
            </span>
          </span>
        </label>
        {error && (
          <p data-testid="password-error" role="alert" className={ui.error}>
            {error}
          </p>
        )}
        {done && (
          <p data-testid="password-success" role="status" className={ui.success}>
            Password changed. Your other sessions were signed out.
          </p>
        )}
        <button data-testid="password-save" type="submit" disabled={busy} className={ui.primary}>
          {busy && <Spinner label="Changing password" className="h-3.5 w-3.5" />}
          Change password
        </button>
      </form>
    </section>
  );
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
