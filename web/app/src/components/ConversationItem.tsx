import type { Conversation, PublicUser } from '@cipherlink/proto';
import type { DecryptedMessage } from '@cipherlink/client';
import { isRoom, memberCountText, peerOf, previewOf, titleOf } from '../lib/conversation';
import { formatClock } from '../lib/time';
import { Avatar } from './Avatar';

interface Props {
  conversation: Conversation;
  me: PublicUser;
  online: boolean | undefined;
  lastMessage: DecryptedMessage | undefined;
  selected: boolean;
  onSelect(): void;
}

export function ConversationItem({ conversation, me, online, lastMessage, selected, onSelect }: Props) {
  const title = titleOf(conversation, me.id);
  const room = isRoom(conversation);
  return (
    <button
      type="button"
      data-testid="conversation-item"
      data-kind={conversation.kind}
      data-name={room ? title : undefined}
      data-peer={room ? undefined : (peerOf(conversation, me.id)?.username ?? '')}
      aria-current={selected ? 'true' : undefined}
      onClick={onSelect}
      className={`flex w-full items-center gap-3 px-4 py-3 text-left transition ${
        selected ? 'bg-emerald-500/10' : 'hover:bg-slate-100 dark:hover:bg-slate-800/60'
      }`}
    >
      <Avatar name={title} room={room} online={room ? undefined : (online ?? false)} />
      <span className="min-w-0 flex-1">
        <span className="flex items-baseline justify-between gap-2">
          <span className="truncate font-medium">
            {title}
            {room && <span className="sr-only"> (room, {memberCountText(conversation.members.length)})</span>}
          </span>
          {lastMessage && <span className="shrink-0 text-xs text-slate-400">{formatClock(lastMessage.createdAt)}</span>}
        </span>
        <span className="block truncate text-sm text-slate-500 dark:text-slate-400">
          {lastMessage ? previewOf(lastMessage, conversation, me.id) : room ? memberCountText(conversation.members.length) : '\u00a0'}
        </span>
      </span>
    </button>
  );
}
