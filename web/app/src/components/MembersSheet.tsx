import { useState } from 'react';
import type { Conversation, PublicUser } from '@cipherlink/proto';
import { useClient } from '../state/ClientContext';
import { useMembers } from '../state/useMembers';
import { describeError } from '../lib/errors';
import { memberCountText, titleOf } from '../lib/conversation';
import { myRoleIn, sortMembers } from '../lib/rooms';
import { AddMemberForm } from './AddMemberForm';
import { Avatar } from './Avatar';
import { MemberRow } from './MemberRow';
import { Modal } from './Modal';
import { Spinner } from './Spinner';
import { CloseIcon } from './icons';
import { ui } from './styles';

interface Props {
  conversation: Conversation;
  me: PublicUser;
  onClose(): void;
  /** The directory answered a change with the updated room. */
  onChanged(conversation: Conversation): void;
  onLeave(conversation: Conversation): Promise<void>;
  onOpenSafetyNumber(user: PublicUser): void;
}

/**
 * The members of a room: roles, trust and devices; admins add members by username, remove and promote; anyone can
 * leave. A sheet from the right on wide screens, full screen on phones.
 */
export function MembersSheet({ conversation, me, onClose, onChanged, onLeave, onOpenSafetyNumber }: Props) {
  const client = useClient();
  const { members, loading, error, reload } = useMembers(conversation);
  const [leaveError, setLeaveError] = useState<string | null>(null);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const myRole = myRoleIn(members, me.id) ?? conversation.members.find((m) => m.id === me.id)?.role ?? null;
  const title = titleOf(conversation, me.id);

  /**
   * Run a membership change. Resolves with the error to show next to the control that asked (e.g. "the last
   * admin cannot leave"), or null; the list is read again either way.
   */
  async function change(action: () => Promise<Conversation | void>): Promise<string | null> {
    try {
      const updated = await action();
      if (updated) onChanged(updated);
      return null;
    } catch (err) {
      return describeError(err);
    } finally {
      await reload();
    }
  }

  async function leave() {
    setLeaving(true);
    setLeaveError(null);
    try {
      await onLeave(conversation);
    } catch (err) {
      setLeaveError(describeError(err, 'Could not leave the room.'));
      setLeaving(false);
      setConfirmLeave(false);
    }
  }

  return (
    <Modal onClose={onClose} labelledBy="members-title" testId="members-sheet" className="my-0 mr-0 ml-auto h-dvh max-h-dvh w-full max-w-full md:w-[28rem]">
      <div className="flex h-full flex-col bg-slate-50 shadow-2xl md:border-l md:border-slate-200 dark:bg-slate-950 md:dark:border-slate-800">
        <header className="flex items-center gap-3 border-b border-slate-200 bg-white px-4 pt-[max(0.75rem,env(safe-area-inset-top))] pb-3 dark:border-slate-800 dark:bg-slate-900/60">
          <Avatar name={title} room size="sm" />
          <div className="min-w-0 flex-1">
            <h2 id="members-title" className="truncate font-semibold">
              {title}
            </h2>
            <p className="text-xs text-slate-500 dark:text-slate-400">{memberCountText(conversation.members.length)}</p>
          </div>
          <button data-testid="members-close" type="button" onClick={onClose} aria-label="Close members" className="rounded-lg p-2 text-slate-500 transition hover:bg-slate-100 dark:hover:bg-slate-800">
            <CloseIcon className="h-5 w-5" />
          </button>
        </header>

        <div className="flex-1 space-y-4 overflow-y-auto px-3 py-4 sm:px-5">
          {myRole === 'admin' && <AddMemberForm onAdd={(who) => change(() => client.addMember(conversation.id, who))} />}

          <section aria-labelledby="members-list-title" className={ui.card}>
            <h3 id="members-list-title" className={ui.cardTitle}>
              Members
            </h3>
            {loading && members.length === 0 ? (
              <div className="flex justify-center py-6 text-slate-400">
                <Spinner label="Loading members" />
              </div>
            ) : error ? (
              <p role="alert" className={`mt-3 ${ui.error}`}>
                {error}
              </p>
            ) : (
              <ul data-testid="member-list" className="mt-1 divide-y divide-slate-200 dark:divide-slate-800">
                {sortMembers(members, me.id).map((m) => (
                  <MemberRow
                    key={m.userId}
                    member={m}
                    me={me}
                    myRole={myRole}
                    onPromote={() => change(() => client.makeAdmin(conversation.id, m.userId))}
                    onRemove={() => change(() => client.removeMember(conversation.id, m.userId))}
                    onOpenSafetyNumber={() => onOpenSafetyNumber({ id: m.userId, username: m.username })}
                  />
                ))}
              </ul>
            )}
          </section>

          <section className={ui.card}>
            <h3 className={ui.cardTitle}>Leave room</h3>
            <p className={ui.cardText}>You&apos;ll stop receiving its messages. An admin can add you again later.</p>
            {leaveError && (
              <p data-testid="room-leave-error" role="alert" className={`mt-3 ${ui.error}`}>
                {leaveError}
              </p>
            )}
            {confirmLeave ? (
              <div data-testid="room-leave-prompt" className="mt-3 flex flex-col gap-2 rounded-lg bg-red-500/5 p-3">
                <p className="text-sm">Leave “{title}”?</p>
                <div className="flex gap-2">
                  <button data-testid="room-leave-confirm" type="button" disabled={leaving} onClick={() => void leave()} className={ui.dangerSolid}>
                    {leaving && <Spinner label="Leaving" className="h-3.5 w-3.5" />}
                    Leave
                  </button>
                  <button type="button" disabled={leaving} onClick={() => setConfirmLeave(false)} className={ui.secondary}>
                    Cancel
                  </button>
                </div>
              </div>
            ) : (
              <button
                data-testid="room-leave"
                type="button"
                onClick={() => {
                  setConfirmLeave(true);
                  setLeaveError(null);
                }}
                className={`mt-3 ${ui.danger}`}
              >
                Leave room…
              </button>
            )}
          </section>
        </div>
      </div>
    </Modal>
  );
}
