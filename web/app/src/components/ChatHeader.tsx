import type { Conversation, PresenceState, PublicUser } from '@cipherlink/proto';
import { titleOf } from '../lib/conversation';
import { Avatar } from './Avatar';
import { EncryptionBadge } from './EncryptionBadge';
import { PresenceStatus } from './PresenceStatus';

interface Props {
  conversation: Conversation;
  me: PublicUser;
  peerPresence: PresenceState | undefined;
  onBack(): void;
}

export function ChatHeader({ conversation, me, peerPresence, onBack }: Props) {
  const title = titleOf(conversation, me.id);
  return (
    <header
      data-testid="chat-header"
      className="flex items-center gap-3 border-b border-slate-200 bg-white/80 px-3 pt-[max(0.75rem,env(safe-area-inset-top))] pb-3 backdrop-blur md:px-5 dark:border-slate-800 dark:bg-slate-900/60"
    >
      <button
        type="button"
        onClick={onBack}
        aria-label="Back to conversations"
        className="-ml-1 rounded-lg p-2 text-slate-500 hover:bg-slate-100 md:hidden dark:hover:bg-slate-800"
      >
        <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="h-5 w-5">
          <path fillRule="evenodd" d="M12.8 4.2a.75.75 0 0 1 0 1.06L8.06 10l4.74 4.74a.75.75 0 1 1-1.06 1.06l-5.27-5.27a.75.75 0 0 1 0-1.06l5.27-5.27a.75.75 0 0 1 1.06 0Z" clipRule="evenodd" />
        </svg>
      </button>
      <Avatar name={title} online={peerPresence?.online ?? false} />
      <div className="min-w-0 flex-1">
        <h2 className="truncate font-semibold">{title}</h2>
        <PresenceStatus presence={peerPresence} />
      </div>
      <EncryptionBadge />
    </header>
  );
}
