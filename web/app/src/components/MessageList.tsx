import { useEffect, useRef } from 'react';
import type { DecryptedMessage } from '@cipherlink/client';
import type { ConversationMessages } from '../state/useMessages';
import { MessageBubble } from './MessageBubble';
import { Spinner } from './Spinner';
import { LockIcon } from './LockIcon';

interface Props {
  entry: ConversationMessages | undefined;
  peerName: string;
  onRetry(message: DecryptedMessage): void;
  onReload(): void;
}

export function MessageList({ entry, peerName, onRetry, onReload }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const messages = entry?.messages ?? [];
  const last = messages.at(-1);

  // Keep the newest message in view: on open, on every new message and when a pending one is acknowledged.
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, last?.id, last?.status]);

  return (
    <div ref={scroller} className="flex-1 overflow-y-auto overscroll-contain px-3 py-4 md:px-6" aria-live="polite">
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
          <p className="max-w-xs">Say hi to {peerName}. Only the two of you can read what you write here.</p>
        </div>
      )}
      <ol className="mx-auto flex max-w-3xl flex-col gap-1.5">
        {messages.map((m) => (
          <li key={m.id} className={`flex ${m.mine ? 'justify-end' : 'justify-start'}`}>
            <MessageBubble message={m} onRetry={() => onRetry(m)} />
          </li>
        ))}
      </ol>
    </div>
  );
}
