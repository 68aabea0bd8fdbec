import { useCallback, useEffect, useRef, useState } from 'react';
import type { Conversation, PublicUser } from '@cipherlink/proto';
import type { ConversationMessages } from '../state/useMessages';
import { isRoom, nameOf, peerOf } from '../lib/conversation';
import { MessageBubble, type MessageHandlers } from './MessageBubble';
import { Spinner } from './Spinner';
import { LockIcon } from './LockIcon';
import { ui } from './styles';

/** A message to bring into view and highlight, once per `at` (a search result was opened). */
export interface MessageFocus {
  messageId: string;
  at: number;
}

interface Props extends Omit<MessageHandlers, 'onJumpTo'> {
  conversation: Conversation;
  me: PublicUser;
  entry: ConversationMessages | undefined;
  /** Scroll to this message and highlight it for a moment (a search result was opened). */
  focus: MessageFocus | null;
  onReload(): void;
  onOpenMembers(): void;
}

/** How long a message opened from search stays highlighted. */
const HIGHLIGHT_MS = 2_500;

export function MessageList({ conversation, me, entry, focus, onReload, onOpenMembers, ...handlers }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [highlighted, setHighlighted] = useState<MessageFocus | null>(null);
  const focused = useRef<number | null>(null);
  const messages = entry?.messages ?? [];
  const last = messages.at(-1);
  const room = isRoom(conversation);
  const byId = new Map(messages.map((m) => [m.id, m] as const));
  const name = useCallback((userId: string) => nameOf(conversation, userId, me.id), [conversation, me.id]);

  // Keep the newest message in view: on open, on every new message and when a pending one is acknowledged.
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, last?.id, last?.status]);

  const find = useCallback((messageId: string) => scroller.current?.querySelector<HTMLElement>(`[data-id="${CSS.escape(messageId)}"]`), []);

  // After the scroll to the newest above (same render): a message opened from search, once it is in the list.
  useEffect(() => {
    if (!focus || focused.current === focus.at) return;
    const el = find(focus.messageId);
    if (!el) return;
    focused.current = focus.at;
    el.scrollIntoView({ block: 'center' });
    setHighlighted(focus);
  }, [focus, messages.length, find]);

  useEffect(() => {
    if (!highlighted) return;
    const timer = setTimeout(() => setHighlighted(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlighted]);

  const jumpTo = useCallback((messageId: string) => {
    const el = find(messageId);
    if (!el) return;
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    el.animate([{ opacity: 0.4 }, { opacity: 1 }], { duration: 600 });
  }, [find]);

  return (
    <div ref={scroller} data-testid="message-list" className="flex-1 overflow-y-auto overscroll-contain px-3 py-4 md:px-6" aria-live="polite">
      {entry?.loading && messages.length === 0 && (
        <div className="flex h-full items-center justify-center text-slate-400">
          <Spinner label="Loading messages" />
        </div>
      )}
      {entry?.error && (
        <div role="alert" className="mx-auto mb-3 max-w-md rounded-lg bg-red-500/10 px-3 py-2 text-center text-sm text-red-600 dark:text-red-400">
          {entry.error}{' '}
          <button type="button" onClick={onReload} className="font-medium underline">
            Try again
          </button>
        </div>
      )}
      {entry?.loaded && messages.length === 0 && (
        <div className="flex h-full flex-col items-center justify-center gap-2 text-center text-sm text-slate-500 dark:text-slate-400">
          <LockIcon className="h-5 w-5 text-emerald-500" />
          <p className="font-medium text-slate-700 dark:text-slate-200">No messages yet</p>
          {room ? (
            <>
              <p className="max-w-xs">Only the members of this room can read what is written here.</p>
              {conversation.members.length === 1 && (
                <button data-testid="empty-add-members" type="button" onClick={onOpenMembers} className={`mt-2 ${ui.primary}`}>
                  Add members
                </button>
              )}
            </>
          ) : (
            <p className="max-w-xs">Say hi to {peerOf(conversation, me.id)?.username ?? 'them'}. Only the two of you can read what you write here.</p>
          )}
        </div>
      )}
      <ol className="mx-auto flex max-w-3xl flex-col gap-1.5">
        {messages.map((m, i) => {
          const previous = messages[i - 1];
          // Rooms: name the sender above the first of a run of their messages.
          const label = room && !m.mine && previous?.senderUserId !== m.senderUserId ? name(m.senderUserId) : undefined;
          const quoted = m.replyTo ? byId.get(m.replyTo.messageId) : undefined;
          return (
            <li key={m.id} className={`flex ${m.mine ? 'justify-end' : 'justify-start'} ${label ? 'mt-2' : ''}`}>
              <MessageBubble
                message={m}
                senderLabel={label}
                quotedAuthor={quoted ? name(quoted.senderUserId) : undefined}
                nameOf={name}
                highlighted={highlighted?.messageId === m.id}
                onJumpTo={jumpTo}
                {...handlers}
              />
            </li>
          );
        })}
      </ol>
    </div>
  );
}
