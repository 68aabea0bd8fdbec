import { useState } from 'react';
import type { PublicUser } from '@cipherlink/proto';
import type { RoomMember } from '@cipherlink/client';
import { devicesText, memberActions, trustBadge } from '../lib/rooms';
import { Avatar } from './Avatar';
import { Spinner } from './Spinner';
import { ShieldIcon } from './ShieldIcon';
import { CheckBadgeIcon, WarningIcon } from './icons';
import { ui } from './styles';

interface Props {
  member: RoomMember;
  me: PublicUser;
  myRole: RoomMember['role'] | null;
  /** Resolve with an error to show in the row, or null. */
  onPromote(): Promise<string | null>;
  onRemove(): Promise<string | null>;
  onOpenSafetyNumber(): void;
}

const badgeTone = {
  verified: 'bg-emerald-500/15 text-emerald-700 dark:text-emerald-400',
  alert: 'bg-amber-500/15 text-amber-800 dark:text-amber-300',
  muted: 'bg-slate-500/10 text-slate-600 dark:text-slate-400',
} as const;

/** One member: name, role, trust, devices; the actions the local user may take on them. */
export function MemberRow({ member, me, myRole, onPromote, onRemove, onOpenSafetyNumber }: Props) {
  const [busy, setBusy] = useState<'promote' | 'remove' | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const actions = memberActions(member, myRole, me.id);
  const devices = devicesText(member.devices);
  const badge = trustBadge(member.trust);
  const self = member.userId === me.id;

  async function run(kind: 'promote' | 'remove', action: () => Promise<string | null>) {
    setBusy(kind);
    setError(null);
    try {
      setError(await action());
    } finally {
      setBusy(null);
      setConfirmRemove(false);
    }
  }

  return (
    <li data-testid="member-row" data-username={member.username} data-role={member.role} data-trust={member.trust} className="py-3">
      <div className="flex items-start gap-3">
        <Avatar name={member.username} size="sm" />
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span className="min-w-0 font-medium break-words">
              {member.username}
              {self && <span className="font-normal text-slate-500 dark:text-slate-400"> (you)</span>}
            </span>
            {member.role === 'admin' && (
              <span data-testid="member-role" className="rounded-full bg-sky-500/15 px-2 py-0.5 text-xs font-medium text-sky-700 dark:text-sky-300">
                Admin
              </span>
            )}
            {badge && !self && (
              <span data-testid="member-trust" className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${badgeTone[badge.tone]}`}>
                {badge.tone === 'verified' && <CheckBadgeIcon className="h-3.5 w-3.5" />}
                {badge.tone === 'alert' && <WarningIcon className="h-3.5 w-3.5" />}
                {badge.label}
              </span>
            )}
          </p>
          <p data-testid="member-devices" data-count={member.devices.length} className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
            {devices.text}
            {devices.unverified > 0 && (
              <span className="text-amber-700 dark:text-amber-400" title="Devices whose certificate doesn't verify never receive keys, and their messages are not shown.">
                {' '}
                · {devices.unverified} not verified
              </span>
            )}
          </p>
        </div>
      </div>

      {(actions.safetyNumber || actions.promote || actions.remove) && (
        <div className="mt-2 flex flex-wrap gap-2 pl-11">
          {actions.safetyNumber && (
            <button data-testid="member-safety-number" type="button" onClick={onOpenSafetyNumber} className={ui.secondarySmall}>
              <ShieldIcon className="h-3.5 w-3.5" />
              Safety number
            </button>
          )}
          {actions.promote && (
            <button data-testid="member-promote" type="button" disabled={busy !== null} onClick={() => void run('promote', onPromote)} className={ui.secondarySmall}>
              {busy === 'promote' && <Spinner label="Promoting" className="h-3 w-3" />}
              Make admin
            </button>
          )}
          {actions.remove &&
            (confirmRemove ? (
              <span className="inline-flex flex-wrap items-center gap-2">
                <span className="text-xs">Remove {member.username}?</span>
                <button data-testid="member-remove-confirm" type="button" disabled={busy !== null} onClick={() => void run('remove', onRemove)} className={ui.dangerSolidSmall}>
                  {busy === 'remove' && <Spinner label="Removing" className="h-3 w-3" />}
                  Remove
                </button>
                <button type="button" disabled={busy !== null} onClick={() => setConfirmRemove(false)} className={ui.secondarySmall}>
                  Cancel
                </button>
              </span>
            ) : (
              <button data-testid="member-remove" type="button" disabled={busy !== null} onClick={() => setConfirmRemove(true)} className={ui.dangerSmall}>
                Remove
              </button>
            ))}
        </div>
      )}
      {error && (
        <p data-testid="member-error" role="alert" className={`mt-2 ml-11 ${ui.error}`}>
          {error}
        </p>
      )}
    </li>
  );
}
