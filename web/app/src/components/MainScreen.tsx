import { useCallback, useMemo, useState } from 'react';
import type { Conversation } from '@cipherlink/proto';
import type { Session } from '@cipherlink/client';
import { useConversations } from '../state/useConversations';
import { useMessages } from '../state/useMessages';
import { usePresence } from '../state/usePresence';
import { peerOf } from '../lib/conversation';
import { Sidebar } from './Sidebar';
import { ChatPane } from './ChatPane';
import { NoConversationSelected } from './NoConversationSelected';
import { SecurityPanel } from './SecurityPanel';

interface Props {
  session: Session;
  onSignOut(): Promise<void>;
}

/** Sidebar + chat on wide screens; one pane at a time on narrow ones. */
export function MainScreen({ session, onSignOut }: Props) {
  const me = session.user;
  const conversations = useConversations();
  const messages = useMessages();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [securityOpen, setSecurityOpen] = useState(false);

  const peerIds = useMemo(
    () =>
      conversations.list
        .filter((c) => c.kind === 'dm')
        .map((c) => peerOf(c, me.id)?.id)
        .filter((id): id is string => id !== undefined && id !== me.id),
    [conversations.list, me.id],
  );
  const presence = usePresence(peerIds);

  const selected = conversations.list.find((c) => c.id === selectedId) ?? null;

  const { upsert } = conversations;
  const onOpened = useCallback(
    (conversation: Conversation) => {
      upsert(conversation);
      setSelectedId(conversation.id);
    },
    [upsert],
  );

  return (
    <div className="flex h-full overflow-hidden">
      <Sidebar
        className={selected ? 'hidden md:flex' : 'flex'}
        me={me}
        conversations={conversations}
        messages={messages.byConversation}
        presence={presence}
        selectedId={selectedId}
        onSelect={setSelectedId}
        onOpened={onOpened}
        onSignOut={onSignOut}
        onOpenSecurity={() => setSecurityOpen(true)}
      />
      <section className={`min-w-0 flex-1 flex-col ${selected ? 'flex' : 'hidden md:flex'}`}>
        {selected ? (
          <ChatPane
            key={selected.id}
            conversation={selected}
            me={me}
            presence={presence}
            messages={messages}
            onBack={() => setSelectedId(null)}
          />
        ) : (
          <NoConversationSelected hasConversations={conversations.list.length > 0} />
        )}
      </section>
      {securityOpen && <SecurityPanel me={me} onClose={() => setSecurityOpen(false)} />}
    </div>
  );
}
