import type { PublicUser } from '@cipherlink/proto';
import type { Conversations } from '../state/useConversations';
import type { ConversationMessages } from '../state/useMessages';
import type { PresenceMap } from '../state/usePresence';
import { peerOf } from '../lib/conversation';
import { ConversationItem } from './ConversationItem';
import { Spinner } from './Spinner';

interface Props {
  me: PublicUser;
  conversations: Conversations;
  messages: ReadonlyMap<string, ConversationMessages>;
  presence: PresenceMap;
  selectedId: string | null;
  onSelect(conversationId: string): void;
}

export function ConversationList({ me, conversations, messages, presence, selectedId, onSelect }: Props) {
  if (conversations.loading && conversations.list.length === 0) {
    return (
      <div className="flex flex-1 items-center justify-center text-slate-400">
        <Spinner label="Loading conversations" />
      </div>
    );
  }
  if (conversations.list.length === 0) {
    return (
      <div className="flex flex-1 flex-col items-center justify-center gap-1 px-6 text-center text-sm text-slate-500 dark:text-slate-400">
        {conversations.error ? (
          <p role="alert" className="text-red-600 dark:text-red-400">
            {conversations.error}
          </p>
        ) : (
          <>
            <p className="font-medium text-slate-700 dark:text-slate-200">No conversations yet</p>
            <p>Message someone by username above, or create a room.</p>
          </>
        )}
      </div>
    );
  }

  // Most recent activity first: last known message, else when the conversation was created.
  const lastActivity = (id: string, createdAt: string) => messages.get(id)?.messages.at(-1)?.createdAt ?? createdAt;
  const sorted = [...conversations.list].sort((a, b) =>
    lastActivity(b.id, b.createdAt).localeCompare(lastActivity(a.id, a.createdAt)),
  );

  return (
    <ul className="flex-1 overflow-y-auto py-1" aria-label="Conversations">
      {sorted.map((c) => {
        const peer = c.kind === 'dm' ? peerOf(c, me.id) : undefined;
        return (
          <li key={c.id}>
            <ConversationItem
              conversation={c}
              me={me}
              online={peer ? presence.get(peer.id)?.online : undefined}
              lastMessage={messages.get(c.id)?.messages.at(-1)}
              selected={c.id === selectedId}
              onSelect={() => onSelect(c.id)}
            />
          </li>
        );
      })}
    </ul>
  );
}
