import { useState } from 'react';
import type { Conversation, PublicUser } from '@cipherlink/proto';
import type { Conversations } from '../state/useConversations';
import type { ConversationMessages } from '../state/useMessages';
import type { PresenceMap } from '../state/usePresence';
import { SidebarHeader } from './SidebarHeader';
import { NewDmForm } from './NewDmForm';
import { NewRoomDialog } from './NewRoomDialog';
import { ConversationList } from './ConversationList';
import { CloseIcon, PlusIcon } from './icons';

/** A conversation the user is no longer in: they left it, or an admin removed them. */
export interface GoneConversation {
  id: string;
  title: string;
  reason: 'left' | 'removed';
}

interface Props {
  className: string;
  me: PublicUser;
  conversations: Conversations;
  messages: ReadonlyMap<string, ConversationMessages>;
  presence: PresenceMap;
  selectedId: string | null;
  gone: GoneConversation | null;
  onDismissGone(): void;
  onSelect(conversationId: string): void;
  onOpened(conversation: Conversation): void;
  onSignOut(): Promise<void>;
  onOpenSecurity(): void;
}

export function Sidebar(props: Props) {
  const { className, me, conversations, messages, presence, selectedId, gone, onDismissGone, onSelect, onOpened, onSignOut, onOpenSecurity } = props;
  const [newRoom, setNewRoom] = useState(false);

  return (
    <aside
      className={`${className} w-full flex-col border-slate-200 bg-white md:w-80 md:shrink-0 md:border-r lg:w-96 dark:border-slate-800 dark:bg-slate-900/40`}
    >
      <SidebarHeader me={me} onSignOut={onSignOut} onOpenSecurity={onOpenSecurity} />
      <NewDmForm me={me} onOpened={onOpened} />
      <div className="flex items-center justify-between gap-2 px-4 pt-3 pb-1">
        <h2 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Conversations</h2>
        <button
          data-testid="new-room-open"
          type="button"
          onClick={() => setNewRoom(true)}
          className="-mr-1.5 inline-flex items-center gap-1 rounded-lg px-2 py-1 text-sm font-medium text-emerald-700 transition hover:bg-emerald-500/10 dark:text-emerald-400"
        >
          <PlusIcon className="h-4 w-4" />
          New room
        </button>
      </div>
      {gone && (
        <div
          data-testid="conversation-gone"
          data-reason={gone.reason}
          role="status"
          className="mx-3 mt-1 mb-1 flex items-start gap-2 rounded-lg border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700 dark:border-slate-700 dark:bg-slate-800/60 dark:text-slate-200"
        >
          <p className="min-w-0 flex-1">
            {gone.reason === 'left' ? (
              <>You left “{gone.title}”.</>
            ) : (
              <>
                You were removed from “{gone.title}”. You won&apos;t receive its new messages.
              </>
            )}
          </p>
          <button type="button" onClick={onDismissGone} aria-label="Dismiss" className="-m-1 rounded p-1 text-slate-400 hover:text-slate-600 dark:hover:text-slate-200">
            <CloseIcon className="h-4 w-4" />
          </button>
        </div>
      )}
      <ConversationList
        me={me}
        conversations={conversations}
        messages={messages}
        presence={presence}
        selectedId={selectedId}
        onSelect={onSelect}
      />
      {newRoom && (
        <NewRoomDialog
          onClose={() => setNewRoom(false)}
          onCreated={(room) => {
            setNewRoom(false);
            onOpened(room);
          }}
        />
      )}
    </aside>
  );
}
