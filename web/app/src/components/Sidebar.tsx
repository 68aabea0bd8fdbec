import { useRef, useState } from 'react';
import type { Conversation, PublicUser } from '@cipherlink/proto';
import type { Conversations } from '../state/useConversations';
import type { ConversationMessages } from '../state/useMessages';
import { useMessageSearch } from '../state/useMessageSearch';
import type { PresenceMap } from '../state/usePresence';
import { searchRows } from '../lib/search';
import { SidebarHeader } from './SidebarHeader';
import { NewDmForm } from './NewDmForm';
import { NewRoomDialog } from './NewRoomDialog';
import { ConversationList } from './ConversationList';
import { SearchField } from './SearchField';
import { SearchResults } from './SearchResults';
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
  /** The user is about to search: make every conversation's history searchable. */
  onSearchStart(): void;
  /** A search result was picked: open its conversation at that message. */
  onOpenMessage(conversationId: string, messageId: string): void;
  /** The message last opened from the search results. */
  openedMessageId: string | null;
  onSignOut(): Promise<void>;
  onOpenSecurity(): void;
}

/** The user, message search, and the conversations (or, while a search is typed, its results). */
export function Sidebar(props: Props) {
  const { className, me, conversations, onOpened, onSignOut, onOpenSecurity, onSearchStart, onOpenMessage, openedMessageId } = props;
  const [newRoom, setNewRoom] = useState(false);
  const [query, setQuery] = useState('');
  const search = useMessageSearch(query);
  const searchInput = useRef<HTMLInputElement>(null);
  const resultList = useRef<HTMLUListElement>(null);
  const searching = query.trim() !== '';

  function closeSearch() {
    setQuery('');
    searchInput.current?.blur();
  }

  return (
    <aside
      className={`${className} w-full flex-col border-slate-200 bg-white md:w-80 md:shrink-0 md:border-r lg:w-96 dark:border-slate-800 dark:bg-slate-900/40`}
    >
      <SidebarHeader me={me} onSignOut={onSignOut} onOpenSecurity={onOpenSecurity} />
      <SearchField
        value={query}
        inputRef={searchInput}
        onChange={setQuery}
        onFocus={onSearchStart}
        onClose={closeSearch}
        onArrowDown={() => resultList.current?.querySelector<HTMLButtonElement>('[data-testid="search-result"]')?.focus()}
      />
      {searching ? (
        <SearchResults
          rows={searchRows(search.results, conversations.list, me.id)}
          settled={search.settled}
          openedMessageId={openedMessageId}
          listRef={resultList}
          onOpen={(row) => onOpenMessage(row.conversationId, row.messageId)}
          onClose={() => {
            setQuery('');
            searchInput.current?.focus();
          }}
          onLeaveTop={() => searchInput.current?.focus()}
        />
      ) : (
        <ConversationsSection {...props} onNewRoom={() => setNewRoom(true)} />
      )}
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

/** New DM form, the conversations heading with "New room", the "you left / were removed" notice and the list. */
function ConversationsSection(props: Props & { onNewRoom(): void }) {
  const { me, conversations, messages, presence, selectedId, gone, onDismissGone, onSelect, onOpened, onNewRoom } = props;
  return (
    <>
      <NewDmForm me={me} onOpened={onOpened} />
      <div className="flex items-center justify-between gap-2 px-4 pt-3 pb-1">
        <h2 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Conversations</h2>
        <button
          data-testid="new-room-open"
          type="button"
          onClick={onNewRoom}
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
    </>
  );
}
