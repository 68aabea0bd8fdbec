import { useState, type FormEvent } from 'react';
import { Password, PASSWORD_MIN_CHARS } from '@cipherlink/proto';
import { describeError } from '../lib/errors';
import { LockIcon } from './LockIcon';
import { Spinner } from './Spinner';

type Action = 'signin' | 'register';

interface Props {
  /** Why the user is here (signed out by the server or another tab), shown above the form. */
  notice?: string | null;
  onSignIn(username: string, password: string): Promise<void>;
  onRegister(username: string, password: string): Promise<void>;
}

const inputClass =
  'w-full rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-base outline-none transition ' +
  'focus:border-emerald-500 focus:ring-2 focus:ring-emerald-500/30 dark:border-slate-700 dark:bg-slate-900';

export function AuthScreen({ notice = null, onSignIn, onRegister }: Props) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(action: Action) {
    if (busy) return;
    if (!username.trim() || !password) {
      setError('Enter a username and a password.');
      return;
    }
    if (action === 'register') {
      // The same rule the server applies (proto Password); the server's own messages are shown too.
      const rule = Password.safeParse(password);
      if (!rule.success) {
        setError(capitalize(rule.error.issues[0]?.message ?? `Use at least ${PASSWORD_MIN_CHARS} characters.`));
        return;
      }
    }
    setBusy(action);
    setError(null);
    try {
      await (action === 'signin' ? onSignIn : onRegister)(username.trim(), password);
    } catch (err) {
      setError(describeError(err));
      setBusy(null);
    }
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    void run('signin');
  }

  return (
    <main className="flex min-h-full items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div className="mx-auto mb-4 flex h-12 w-12 items-center justify-center rounded-2xl bg-emerald-500/15 text-emerald-500">
            <LockIcon className="h-6 w-6" />
          </div>
          <h1 className="text-2xl font-semibold tracking-tight">CipherLink</h1>
          <p className="mt-2 text-sm text-slate-500 dark:text-slate-400">
            End-to-end encrypted. The server only sees ciphertext.
          </p>
        </div>

        {notice && (
          <p
            data-testid="auth-notice"
            role="status"
            className="mb-4 rounded-xl border border-amber-500/30 bg-amber-500/10 px-4 py-3 text-sm text-amber-800 dark:text-amber-300"
          >
            {notice}
          </p>
        )}

        <form
          onSubmit={onSubmit}
          noValidate
          className="space-y-4 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900/60"
        >
          <label className="block">
            <span className="mb-1.5 block text-sm font-medium">Username</span>
            <input
              data-testid="auth-username"
              className={inputClass}
              autoComplete="username"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              maxLength={64}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </label>
          <label className="block">
            <span className="mb-1.5 block text-sm font-medium">Password</span>
            <input
              data-testid="auth-password"
              className={inputClass}
              type="password"
              autoComplete="current-password"
              aria-describedby="auth-password-hint"
              maxLength={256}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <span id="auth-password-hint" data-testid="auth-password-hint" className="mt-1.5 block text-xs text-slate-500 dark:text-slate-400">
              New accounts need at least {PASSWORD_MIN_CHARS} characters. A few random words make a strong passphrase.
            </span>
          </label>

          {error && (
            <p
              data-testid="auth-error"
              role="alert"
              className="rounded-lg bg-red-500/10 px-3 py-2 text-sm text-red-600 dark:text-red-400"
            >
              {error}
            </p>
          )}

          <div className="flex flex-col gap-2 pt-2">
            <button
              data-testid="auth-signin"
              type="submit"
              disabled={busy !== null}
              className="flex items-center justify-center gap-2 rounded-lg bg-emerald-600 px-4 py-2.5 font-medium text-white transition hover:bg-emerald-500 disabled:opacity-60"
            >
              {busy === 'signin' && <Spinner label="Signing in" className="h-4 w-4" />}
              Sign in
            </button>
            <button
              data-testid="auth-register"
              type="button"
              disabled={busy !== null}
              onClick={() => void run('register')}
              className="flex items-center justify-center gap-2 rounded-lg border border-slate-300 px-4 py-2.5 font-medium transition hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              {busy === 'register' && <Spinner label="Creating account" className="h-4 w-4" />}
              Create account
            </button>
          </div>
          <p className="text-center text-xs text-slate-500 dark:text-slate-400">
            Your keys are generated and kept in this browser.
          </p>
        </form>
      </div>
    </main>
  );
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
