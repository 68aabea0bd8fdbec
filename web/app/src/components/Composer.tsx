import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { MAX_MESSAGE_CHARS } from '../lib/conversation';

/** Show the counter once the user is this close to the limit. */
const COUNTER_FROM = MAX_MESSAGE_CHARS - 500;

export function Composer({ onSend, error }: { onSend(text: string): void; error: string | null }) {
  const [text, setText] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  const canSend = text.trim().length > 0 && text.length <= MAX_MESSAGE_CHARS;

  function submit() {
    if (!canSend) return;
    onSend(text);
    setText('');
    area.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter sends, Shift+Enter is a newline; never send in the middle of an IME composition.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    submit();
  }

  return (
    <form
      onSubmit={onSubmit}
      className="border-t border-slate-200 bg-white px-3 pt-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] md:px-6 dark:border-slate-800 dark:bg-slate-900/60"
    >
      {error && (
        <p role="alert" className="mx-auto mb-2 max-w-3xl text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <div className="mx-auto flex max-w-3xl items-end gap-2">
        <div className="relative min-w-0 flex-1">
          <textarea
            ref={area}
            data-testid="composer"
            aria-label="Message"
            placeholder="Write an encrypted message"
            rows={1}
            maxLength={MAX_MESSAGE_CHARS}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
            className="block field-sizing-content max-h-40 min-h-11 w-full resize-none rounded-2xl border border-slate-300 bg-slate-50 px-4 py-2.5 text-base outline-none focus:border-emerald-500 focus:ring-2 focus:ring-emerald-500/30 dark:border-slate-700 dark:bg-slate-900"
          />
          {text.length >= COUNTER_FROM && (
            <span
              aria-live="polite"
              className={`pointer-events-none absolute right-3 -top-5 text-xs ${
                text.length >= MAX_MESSAGE_CHARS ? 'text-red-500' : 'text-slate-400'
              }`}
            >
              {text.length}/{MAX_MESSAGE_CHARS}
            </span>
          )}
        </div>
        <button
          data-testid="send"
          type="submit"
          disabled={!canSend}
          className="h-11 shrink-0 rounded-full bg-emerald-600 px-5 font-medium text-white transition hover:bg-emerald-500 disabled:opacity-50"
        >
          Send
        </button>
      </div>
    </form>
  );
}
