import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { MAX_MESSAGE_CHARS } from '../lib/conversation';
import { CloseIcon, PencilIcon, ReplyIcon } from './icons';

/** Show the counter once the user is this close to the limit. */
const COUNTER_FROM = MAX_MESSAGE_CHARS - 500;

/** What the next send does besides a plain message: answer one, or replace the text of one of the user's own. */
export type ComposerContext =
  | { kind: 'reply'; messageId: string; author: string; quote: string }
  | { kind: 'edit'; messageId: string; text: string };

interface Props {
  /** Resolves false when nothing was sent (the draft is then put back). */
  onSend(text: string): Promise<boolean>;
  error: string | null;
  context: ComposerContext | null;
  onCancelContext(): void;
  /** Sending is not possible now (e.g. a verified contact's key changed); says why. */
  blockedReason?: string | null;
}

export function Composer({ onSend, error, context, onCancelContext, blockedReason = null }: Props) {
  const [text, setText] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  const blocked = blockedReason !== null;
  const editing = context?.kind === 'edit' ? context : null;
  const unchangedEdit = editing !== null && text === editing.text;
  const canSend = !blocked && text.trim().length > 0 && text.length <= MAX_MESSAGE_CHARS && !unchangedEdit;

  // Starting an edit puts the message's text in the field; replying keeps the draft. Either way, type on.
  const contextKey = context ? `${context.kind}:${context.messageId}` : '';
  useEffect(() => {
    if (editing) setText(editing.text);
    if (contextKey) area.current?.focus();
    // Keyed on the context itself (not `editing`, a new object each render), so typing never resets the text.
  }, [contextKey]);

  function cancelContext() {
    if (editing) setText('');
    onCancelContext();
    area.current?.focus();
  }

  function submit() {
    if (!canSend) return;
    const draft = text;
    setText('');
    area.current?.focus();
    void onSend(draft).then((sent) => {
      // Not sent (refused before it left): give the draft back unless the user already typed something new.
      if (!sent) setText((current) => current || draft);
    });
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter sends, Shift+Enter is a newline; never send in the middle of an IME composition.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape' && context) {
      e.preventDefault();
      cancelContext();
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
        <p data-testid="composer-error" role="alert" className="mx-auto mb-2 max-w-3xl text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      {context && (
        <div
          data-testid={context.kind === 'reply' ? 'composer-reply' : 'composer-edit'}
          className="mx-auto mb-2 flex max-w-3xl items-start gap-2 rounded-xl border-l-4 border-emerald-500 bg-slate-100 px-3 py-2 text-sm dark:bg-slate-800"
        >
          {context.kind === 'reply' ? (
            <ReplyIcon className="mt-0.5 h-4 w-4 shrink-0 text-emerald-600" />
          ) : (
            <PencilIcon className="mt-0.5 h-4 w-4 shrink-0 text-emerald-600" />
          )}
          <div className="min-w-0 flex-1">
            <p className="text-xs font-semibold text-emerald-700 dark:text-emerald-400">
              {context.kind === 'reply' ? `Replying to ${context.author}` : 'Editing your message'}
            </p>
            <p className="truncate text-slate-600 dark:text-slate-300">{context.kind === 'reply' ? context.quote : context.text}</p>
          </div>
          <button
            data-testid="composer-context-cancel"
            type="button"
            onClick={cancelContext}
            aria-label={context.kind === 'reply' ? 'Cancel reply' : 'Cancel editing'}
            className="-m-1 rounded-lg p-1 text-slate-500 hover:bg-slate-200 dark:hover:bg-slate-700"
          >
            <CloseIcon className="h-4 w-4" />
          </button>
        </div>
      )}
      <div className="mx-auto flex max-w-3xl items-end gap-2">
        <div className="relative min-w-0 flex-1">
          <textarea
            ref={area}
            data-testid="composer"
            aria-label={editing ? 'Edit message' : 'Message'}
            aria-describedby={blocked ? 'composer-blocked' : undefined}
            placeholder={blocked ? 'Sending is paused' : 'Write an encrypted message'}
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
              className={`pointer-events-none absolute right-3 -top-5 text-xs ${text.length >= MAX_MESSAGE_CHARS ? 'text-red-500' : 'text-slate-400'}`}
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
          {editing ? 'Save' : 'Send'}
        </button>
      </div>
      {blocked && (
        <p id="composer-blocked" data-testid="composer-blocked" className="mx-auto mt-2 max-w-3xl text-xs text-amber-700 dark:text-amber-400">
          {blockedReason}
        </p>
      )}
    </form>
  );
}
