import { useState } from 'react';
import type { PublicUser } from '@cipherlink/proto';
import { ConnectionPill } from './ConnectionPill';
import { Avatar } from './Avatar';
import { ShieldIcon } from './ShieldIcon';

interface Props {
  me: PublicUser;
  onSignOut(): Promise<void>;
  onOpenSecurity(): void;
}

export function SidebarHeader({ me, onSignOut, onOpenSecurity }: Props) {
  const [signingOut, setSigningOut] = useState(false);

  async function signOut() {
    setSigningOut(true);
    try {
      await onSignOut();
    } catch (err) {
      console.warn('sign out failed', err);
      setSigningOut(false);
    }
  }

  return (
    <header className="flex items-center gap-3 border-b border-slate-200 px-4 pt-[max(0.75rem,env(safe-area-inset-top))] pb-3 dark:border-slate-800">
      <Avatar name={me.username} />
      <div className="min-w-0 flex-1">
        <p data-testid="me-username" className="truncate font-semibold">
          {me.username}
        </p>
        <ConnectionPill />
      </div>
      <button
        data-testid="sessions-open"
        type="button"
        onClick={onOpenSecurity}
        title="Security: sessions, password, account"
        className="flex items-center gap-1.5 rounded-lg px-2.5 py-1.5 text-sm text-slate-600 transition hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
      >
        <ShieldIcon className="h-4 w-4" />
        Security
      </button>
      <button
        data-testid="signout"
        type="button"
        disabled={signingOut}
        onClick={() => void signOut()}
        className="rounded-lg px-3 py-1.5 text-sm text-slate-600 transition hover:bg-slate-100 disabled:opacity-60 dark:text-slate-300 dark:hover:bg-slate-800"
      >
        Sign out
      </button>
    </header>
  );
}
