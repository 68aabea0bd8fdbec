import type { Conversation, PresenceState, PublicUser } from '@cipherlink/proto';
import { isRoom, memberCountText, peerOf, titleOf } from '../lib/conversation';
import { useTrust } from '../state/useTrust';
import { Avatar } from './Avatar';
import { EncryptionBadge } from './EncryptionBadge';
import { PresenceStatus } from './PresenceStatus';
import { BackIcon, CheckBadgeIcon, RoomIcon, WarningIcon } from './icons';
import { ShieldIcon } from './ShieldIcon';

interface Props {
  conversation: Conversation;
  me: PublicUser;
  peerPresence: PresenceState | undefined;
  onBack(): void;
  onOpenMembers(): void;
  onOpenSafetyNumber(user: PublicUser): void;
}

const iconButton =
  'inline-flex shrink-0 items-center gap-1.5 rounded-lg px-2 py-1.5 text-sm text-slate-600 transition hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800';

/** Title bar of a conversation: a DM shows the contact, presence and trust; a room its name and member count. */
export function ChatHeader({ conversation, me, peerPresence, onBack, onOpenMembers, onOpenSafetyNumber }: Props) {
  const title = titleOf(conversation, me.id);
  const room = isRoom(conversation);
  const peer = room ? undefined : peerOf(conversation, me.id);
  const { trust } = useTrust(peer && peer.id !== me.id ? peer.id : undefined);

  return (
    <header
      data-testid="chat-header"
      data-kind={conversation.kind}
      className="flex items-center gap-2 border-b border-slate-200 bg-white/80 px-3 pt-[max(0.75rem,env(safe-area-inset-top))] pb-3 backdrop-blur sm:gap-3 md:px-5 dark:border-slate-800 dark:bg-slate-900/60"
    >
      <button
        type="button"
        onClick={onBack}
        aria-label="Back to conversations"
        className="-ml-1 rounded-lg p-2 text-slate-500 hover:bg-slate-100 md:hidden dark:hover:bg-slate-800"
      >
        <BackIcon className="h-5 w-5" />
      </button>
      <Avatar name={title} room={room} online={room ? undefined : (peerPresence?.online ?? false)} />
      <div className="min-w-0 flex-1">
        <h2 data-testid="chat-title" className="flex min-w-0 items-center gap-1.5 font-semibold">
          <span className="truncate">{title}</span>
          {trust === 'verified' && (
            <span data-testid="peer-verified" title={`You verified ${title}'s safety number`} className="shrink-0 text-emerald-600 dark:text-emerald-400">
              <CheckBadgeIcon className="h-4 w-4" />
              <span className="sr-only">(verified)</span>
            </span>
          )}
          {trust === 'changed' && (
            <span title={`${title}'s safety number changed`} className="shrink-0 text-amber-600 dark:text-amber-400">
              <WarningIcon className="h-4 w-4" />
              <span className="sr-only">(safety number changed)</span>
            </span>
          )}
        </h2>
        {room ? (
          <p data-testid="member-count" data-count={conversation.members.length} className="truncate text-xs text-slate-500 dark:text-slate-400">
            {memberCountText(conversation.members.length)}
          </p>
        ) : (
          <PresenceStatus presence={peerPresence} />
        )}
      </div>
      {room ? (
        <button data-testid="members-open" type="button" onClick={onOpenMembers} className={iconButton} aria-label={`Members of ${title}`} title="Members">
          <RoomIcon className="h-4 w-4" />
          <span className="hidden sm:inline">Members</span>
        </button>
      ) : (
        peer && peer.id !== me.id && (
          <button
            data-testid="safety-number-open"
            type="button"
            onClick={() => onOpenSafetyNumber(peer)}
            className={iconButton}
            title={`Verify ${title}'s safety number`}
            aria-label={`Safety number with ${title}`}
          >
            <ShieldIcon className="h-4 w-4" />
            <span className="hidden sm:inline">Safety number</span>
          </button>
        )
      )}
      <EncryptionBadge />
    </header>
  );
}
