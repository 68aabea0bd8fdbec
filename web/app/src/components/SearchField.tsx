import type { RefObject } from 'react';
import { CloseIcon, SearchIcon } from './icons';

interface Props {
  value: string;
  inputRef: RefObject<HTMLInputElement | null>;
  onChange(value: string): void;
  /** The field got focus: the user is about to search. */
  onFocus(): void;
  /** Escape, or the clear button. */
  onClose(): void;
  /** Arrow down: move into the results. */
  onArrowDown(): void;
}

/** "Search messages" above the conversation list; Escape clears it and closes the results. */
export function SearchField({ value, inputRef, onChange, onFocus, onClose, onArrowDown }: Props) {
  return (
    <div role="search" className="border-b border-slate-200 px-4 py-3 dark:border-slate-800">
      <label htmlFor="message-search" className="sr-only">
        Search messages
      </label>
      <div className="relative">
        <SearchIcon className="pointer-events-none absolute top-1/2 left-3 h-4 w-4 -translate-y-1/2 text-slate-400" />
        <input
          ref={inputRef}
          id="message-search"
          data-testid="search-input"
          type="search"
          enterKeyHint="search"
          placeholder="Search messages"
          autoComplete="off"
          spellCheck={false}
          maxLength={200}
          value={value}
          onFocus={onFocus}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              onClose();
            } else if (e.key === 'ArrowDown') {
              e.preventDefault();
              onArrowDown();
            }
          }}
          className="w-full rounded-lg border border-slate-300 bg-white py-2 pr-9 pl-9 text-base outline-none [&::-webkit-search-cancel-button]:appearance-none focus:border-emerald-500 focus:ring-2 focus:ring-emerald-500/30 md:text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        {value && (
          <button
            data-testid="search-clear"
            type="button"
            onClick={onClose}
            aria-label="Clear search"
            className="absolute top-1/2 right-1.5 -translate-y-1/2 rounded p-1 text-slate-400 hover:text-slate-600 dark:hover:text-slate-200"
          >
            <CloseIcon className="h-4 w-4" />
          </button>
        )}
      </div>
    </div>
  );
}
