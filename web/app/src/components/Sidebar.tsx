import type { Conversation, PublicUser } from '@cipherlink/proto';
import type { Conversations } from '../state/useConversations';
import type { ConversationMessages } from '../state/useMessages';
import type { PresenceMap } from '../state/usePresence';
import { SidebarHeader } from './SidebarHeader';
import { NewDmForm } from './NewDmForm';
import { ConversationList } from './ConversationList';

interface Props {
  className: string;
  me: PublicUser;
  conversations: Conversations;
  messages: ReadonlyMap<string, ConversationMessages>;
  presence: PresenceMap;
  selectedId: string | null;
  onSelect(conversationId: string): void;
  onOpened(conversation: Conversation): void;
  onSignOut(): Promise<void>;
  onOpenSecurity(): void;
}

export function Sidebar({ className, me, conversations, messages, presence, selectedId, onSelect, onOpened, onSignOut, onOpenSecurity }: Props) {
  return (
    <aside
      className={`${className} w-full flex-col border-slate-200 bg-white md:w-80 md:shrink-0 md:border-r lg:w-96 dark:border-slate-800 dark:bg-slate-900/40`}
    >
      <SidebarHeader me={me} onSignOut={onSignOut} onOpenSecurity={onOpenSecurity} />
      <NewDmForm me={me} onOpened={onOpened} />
      <ConversationList
        me={me}
        conversations={conversations}
        messages={messages}
        presence={presence}
        selectedId={selectedId}
        onSelect={onSelect}
      />
    </aside>
  );
}
