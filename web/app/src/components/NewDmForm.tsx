import { useState, type FormEvent } from 'react';
import type { Conversation, PublicUser } from '@cipherlink/proto';
import { useClient } from '../state/ClientContext';
import { describeError } from '../lib/errors';
import { Spinner } from './Spinner';

/** "New message": username -> findUser -> openDm, then the conversation opens. */
export function NewDmForm({ me, onOpened }: { me: PublicUser; onOpened(conversation: Conversation): void }) {
  const client = useClient();
  const [username, setUsername] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const wanted = username.trim().replace(/^@/, '');
    if (!wanted || busy) return;
    setBusy(true);
    setError(null);
    try {
      const user = await client.findUser(wanted);
      if (!user) {
        setError(`No such user: ${wanted}`);
        return;
      }
      if (user.id === me.id) {
        setError("That's you. Pick someone else to message.");
        return;
      }
      const conversation = await client.openDm(user.id);
      setUsername('');
      onOpened(conversation);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} className="border-b border-slate-200 px-4 py-3 dark:border-slate-800">
      <label htmlFor="new-dm-username" className="mb-1.5 block text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
        New message
      </label>
      <div className="flex gap-2">
        <input
          id="new-dm-username"
          data-testid="new-dm-username"
          placeholder="Username"
          autoComplete="off"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          maxLength={64}
          value={username}
          onChange={(e) => {
            setUsername(e.target.value);
            setError(null);
          }}
          className="min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm outline-none focus:border-emerald-500 focus:ring-2 focus:ring-emerald-500/30 dark:border-slate-700 dark:bg-slate-900"
        />
        <button
          data-testid="new-dm-start"
          type="submit"
          disabled={busy || !username.trim()}
          className="flex items-center gap-1.5 rounded-lg bg-emerald-600 px-3 py-2 text-sm font-medium text-white transition hover:bg-emerald-500 disabled:opacity-50"
        >
          {busy && <Spinner label="Looking up user" className="h-3.5 w-3.5" />}
          Start
        </button>
      </div>
      {error && (
        <p data-testid="new-dm-error" role="alert" className="mt-2 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </form>
  );
}
