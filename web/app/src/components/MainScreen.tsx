import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Conversation } from '@cipherlink/proto';
import type { Session } from '@cipherlink/client';
import { useClient } from '../state/ClientContext';
import { useConversations } from '../state/useConversations';
import { useMessages } from '../state/useMessages';
import { usePresence } from '../state/usePresence';
import { peerOf, titleOf } from '../lib/conversation';
import { Sidebar, type GoneConversation } from './Sidebar';
import { ChatPane } from './ChatPane';
import type { MessageFocus } from './MessageList';
import { NoConversationSelected } from './NoConversationSelected';
import { SecurityPanel } from './SecurityPanel';

interface Props {
  session: Session;
  onSignOut(): Promise<void>;
}

/** Sidebar + chat on wide screens; one pane at a time on narrow ones. */
export function MainScreen({ session, onSignOut }: Props) {
  const client = useClient();
  const me = session.user;
  const conversations = useConversations();
  const messages = useMessages();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  /** The message a search result opened (scrolled to and highlighted once). */
  const [focus, setFocus] = useState<MessageFocus | null>(null);
  const [securityOpen, setSecurityOpen] = useState(false);
  const [gone, setGone] = useState<GoneConversation | null>(null);
  const previous = useRef<readonly Conversation[]>([]);
  const leftByMe = useRef(new Set<string>());

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

  // A room that disappears from the list without this user leaving it: an admin removed them (or it was deleted).
  useEffect(() => {
    const ids = new Set(conversations.list.map((c) => c.id));
    const vanished = previous.current.filter((c) => c.kind === 'group' && !ids.has(c.id) && !leftByMe.current.has(c.id));
    previous.current = conversations.list;
    const last = vanished.at(-1);
    if (last) setGone({ id: last.id, title: titleOf(last, me.id), reason: 'removed' });
    if (selectedId && !ids.has(selectedId) && vanished.some((c) => c.id === selectedId)) setSelectedId(null);
  }, [conversations.list, me.id, selectedId]);

  const select = useCallback((conversationId: string | null) => {
    setSelectedId(conversationId);
    setFocus(null);
  }, []);

  const { upsert, remove } = conversations;
  const onOpened = useCallback(
    (conversation: Conversation) => {
      upsert(conversation);
      select(conversation.id);
      setGone(null);
    },
    [upsert, select],
  );

  const openMessage = useCallback((conversationId: string, messageId: string) => {
    setSelectedId(conversationId);
    setFocus({ messageId, at: Date.now() });
    setGone(null);
  }, []);

  // Search covers what this device has decrypted: once the user starts searching, load every conversation's
  // history, including conversations the list learns of later (right after a reload it may still be empty).
  const { loadHistory } = messages;
  const [searchStarted, setSearchStarted] = useState(false);
  const onSearchStart = useCallback(() => setSearchStarted(true), []);
  useEffect(() => {
    if (searchStarted) for (const c of conversations.list) loadHistory(c.id);
  }, [searchStarted, conversations.list, loadHistory]);

  // Noted before the call: the SDK's new list may arrive before leaveRoom resolves, and is not a removal.
  const leave = useCallback(
    async (conversation: Conversation) => {
      leftByMe.current.add(conversation.id);
      try {
        await client.leaveRoom(conversation.id);
      } catch (err) {
        leftByMe.current.delete(conversation.id);
        throw err;
      }
      remove(conversation.id);
      select(null);
      setGone({ id: conversation.id, title: titleOf(conversation, me.id), reason: 'left' });
    },
    [client, remove, select, me.id],
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
        gone={gone}
        onDismissGone={() => setGone(null)}
        onSelect={select}
        onOpened={onOpened}
        onSearchStart={onSearchStart}
        onOpenMessage={openMessage}
        openedMessageId={focus?.messageId ?? null}
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
            focus={focus}
            onConversationChanged={upsert}
            onLeave={leave}
            onBack={() => select(null)}
          />
        ) : (
          <NoConversationSelected hasConversations={conversations.list.length > 0} />
        )}
      </section>
      {securityOpen && <SecurityPanel me={me} onClose={() => setSecurityOpen(false)} />}
    </div>
  );
}
