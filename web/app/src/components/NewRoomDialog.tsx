import { useState, type FormEvent } from 'react';
import { RoomName, type Conversation } from '@cipherlink/proto';
import { useClient } from '../state/ClientContext';
import { describeError } from '../lib/errors';
import { Modal } from './Modal';
import { Spinner } from './Spinner';
import { ui } from './styles';

/** "New room": a name, then the room exists with the local user as its admin. */
export function NewRoomDialog({ onCreated, onClose }: { onCreated(conversation: Conversation): void; onClose(): void }) {
  const client = useClient();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    // The same rule the directory applies (proto RoomName).
    const rule = RoomName.safeParse(name);
    if (!rule.success) return setError(capitalize(rule.error.issues[0]?.message ?? 'Enter a name for the room.'));
    setBusy(true);
    setError(null);
    try {
      onCreated(await client.createRoom(rule.data));
    } catch (err) {
      setError(describeError(err, 'Could not create the room.'));
      setBusy(false);
    }
  }

  return (
    <Modal onClose={() => !busy && onClose()} labelledBy="new-room-title" testId="new-room-dialog" className="m-auto w-[calc(100%-2rem)] max-w-md">
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="rounded-2xl border border-slate-200 bg-white p-5 shadow-xl dark:border-slate-800 dark:bg-slate-900">
        <h2 id="new-room-title" className="text-lg font-semibold">
          New room
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
          An end-to-end encrypted group. You&apos;ll be its admin and can add people by username.
        </p>
        <label className="mt-4 block">
          <span className={ui.label}>Room name</span>
          <input
            data-testid="new-room-name"
            autoFocus
            maxLength={64}
            autoComplete="off"
            placeholder="e.g. Book club"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setError(null);
            }}
            className={ui.input}
          />
          <span className="mt-1.5 block text-xs text-slate-500 dark:text-slate-400">
            Members and the server can see the room&apos;s name; messages stay encrypted.
          </span>
        </label>
        {error && (
          <p data-testid="new-room-error" role="alert" className={`mt-3 ${ui.error}`}>
            {error}
          </p>
        )}
        <div className="mt-5 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <button type="button" disabled={busy} onClick={onClose} className={ui.secondary}>
            Cancel
          </button>
          <button data-testid="new-room-create" type="submit" disabled={busy} className={ui.primary}>
            {busy && <Spinner label="Creating the room" className="h-3.5 w-3.5" />}
            Create room
          </button>
        </div>
      </form>
    </Modal>
  );
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
