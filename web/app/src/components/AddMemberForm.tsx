import { useState, type FormEvent } from 'react';
import { Spinner } from './Spinner';
import { ui } from './styles';

/** Admins add a member by username. `onAdd` resolves with an error to show, or null (the field is then cleared). */
export function AddMemberForm({ onAdd }: { onAdd(username: string): Promise<string | null> }) {
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
      const failure = await onAdd(wanted);
      if (failure) setError(/not found/i.test(failure) ? `There is no user named “${wanted}”.` : failure);
      else setUsername('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form data-testid="add-member-form" onSubmit={(e) => void onSubmit(e)} className={ui.card}>
      <label htmlFor="add-member-username" className={ui.cardTitle}>
        Add a member
      </label>
      <p className={ui.cardText}>They&apos;ll read messages sent from now on, not the earlier history.</p>
      <div className="mt-3 flex gap-2">
        <input
          id="add-member-username"
          data-testid="add-member-username"
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
          className={`${ui.input} min-w-0 flex-1`}
        />
        <button data-testid="add-member-submit" type="submit" disabled={busy || !username.trim()} className={ui.primary}>
          {busy && <Spinner label="Adding" className="h-3.5 w-3.5" />}
          Add
        </button>
      </div>
      {error && (
        <p data-testid="members-error" role="alert" className={`mt-3 ${ui.error}`}>
          {error}
        </p>
      )}
    </form>
  );
}
