import type { KeyboardEvent, RefObject } from 'react';
import type { SearchRow } from '../lib/search';
import { formatFull, formatShortDate } from '../lib/time';
import { Avatar } from './Avatar';
import { HighlightedText } from './HighlightedText';
import { LockIcon } from './LockIcon';

interface Props {
  rows: SearchRow[];
  /** The rows are for what is typed now: only then is "no match" said. */
  settled: boolean;
  /** The message last opened from here. */
  openedMessageId: string | null;
  listRef: RefObject<HTMLUListElement | null>;
  onOpen(row: SearchRow): void;
  /** Escape: close the search. */
  onClose(): void;
  /** Arrow up from the first result: back to the field. */
  onLeaveTop(): void;
}

/** Results in place of the conversation list: newest first; arrow keys move between them, Escape closes. */
export function SearchResults({ rows, settled, openedMessageId, listRef, onOpen, onClose, onLeaveTop }: Props) {
  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const items = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('[data-testid="search-result"]') ?? [])];
    const at = items.findIndex((el) => el === document.activeElement);
    if (at < 0) return;
    e.preventDefault();
    if (e.key === 'ArrowUp' && at === 0) onLeaveTop();
    else items[e.key === 'ArrowDown' ? Math.min(at + 1, items.length - 1) : at - 1]?.focus();
  }

  return (
    <div data-testid="search-results" className="flex min-h-0 flex-1 flex-col" onKeyDown={onKeyDown}>
      <p role="status" className="sr-only">
        {settled ? (rows.length === 1 ? '1 message found' : `${rows.length} messages found`) : ''}
      </p>
      {rows.length === 0 ? (
        <div className="flex flex-1 flex-col items-center justify-center gap-1 px-6 text-center text-sm text-slate-500 dark:text-slate-400">
          {settled && (
            <p data-testid="search-empty" className="font-medium text-slate-700 dark:text-slate-200">
              No messages match
            </p>
          )}
        </div>
      ) : (
        <ul ref={listRef} aria-label="Search results" className="flex-1 overflow-y-auto py-1">
          {rows.map((row) => (
            <li key={row.messageId}>
              <button
                type="button"
                data-testid="search-result"
                data-message-id={row.messageId}
                data-conversation-id={row.conversationId}
                aria-current={row.messageId === openedMessageId ? 'true' : undefined}
                onClick={() => onOpen(row)}
                className={`flex w-full items-start gap-3 px-4 py-3 text-left transition focus:outline-none focus-visible:bg-slate-100 dark:focus-visible:bg-slate-800/60 ${
                  row.messageId === openedMessageId ? 'bg-emerald-500/10' : 'hover:bg-slate-100 dark:hover:bg-slate-800/60'
                }`}
              >
                <Avatar name={row.conversationTitle} room={row.room} size="sm" />
                <span className="min-w-0 flex-1">
                  <span className="flex items-baseline justify-between gap-2">
                    <span data-testid="search-result-title" className="truncate text-sm font-medium">
                      {row.conversationTitle}
                    </span>
                    <time dateTime={row.createdAt} title={formatFull(row.createdAt)} className="shrink-0 text-xs text-slate-400">
                      {formatShortDate(row.createdAt)}
                    </time>
                  </span>
                  <span data-testid="search-result-text" className="line-clamp-2 text-sm break-words text-slate-600 dark:text-slate-300">
                    <span data-testid="search-result-sender" className="font-medium text-slate-700 dark:text-slate-200">
                      {row.sender}:
                    </span>{' '}
                    <HighlightedText snippet={row.snippet} />
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="flex items-center gap-1.5 border-t border-slate-200 px-4 py-2 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
        <LockIcon className="h-3.5 w-3.5 shrink-0 text-emerald-500" />
        Searched on this device, in the messages it has decrypted. Nothing is sent to the server.
      </p>
    </div>
  );
}
