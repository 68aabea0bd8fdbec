import { useState } from 'react';
import type { DecryptedMessage, MessageBody } from '@cipherlink/client';
import { actionsFor, describeUndecryptable } from '../lib/messages';
import { formatClock, formatFull } from '../lib/time';
import { MessageActions } from './MessageActions';
import { MessageStatusIndicator } from './MessageStatusIndicator';
import { ReactionChips } from './ReactionChips';
import { KeyIcon } from './icons';

export interface MessageHandlers {
  onRetry(message: DecryptedMessage): void;
  onReply(message: DecryptedMessage): void;
  onReact(message: DecryptedMessage, emoji: string): void;
  onEdit(message: DecryptedMessage): void;
  onDelete(message: DecryptedMessage): void;
  /** Scroll to the message a reply quotes. */
  onJumpTo(messageId: string): void;
}

interface Props extends MessageHandlers {
  message: DecryptedMessage;
  /** The sender's name above the bubble (rooms, first of a run); undefined: none. */
  senderLabel: string | undefined;
  /** Who wrote the quoted message, when it is known. */
  quotedAuthor: string | undefined;
  nameOf(userId: string): string;
  /** Opened from a search result: marked for a moment. */
  highlighted?: boolean;
}

/**
 * A message opened from search: an outline (bubbles already use their ring) that appears at once and fades out
 * when it is taken away.
 */
const HIGHLIGHT_ON = 'outline-4 outline-offset-2 outline-amber-400 dark:outline-amber-300';
const HIGHLIGHT_OFF = 'outline-4 outline-offset-2 outline-transparent transition-[outline-color] duration-1000';

/**
 * One message. Text is rendered as text (never HTML). A message that can't be decrypted yet gets a calm
 * placeholder, a deleted one a tombstone; replies show their quote, reactions their counts.
 */
export function MessageBubble({ message, senderLabel, quotedAuthor, nameOf, highlighted = false, ...handlers }: Props) {
  const { mine, status, body } = message;
  const [active, setActive] = useState(false);
  const allowed = actionsFor(message);
  const plain = body.kind === 'text';

  const tone = !plain
    ? ''
    : mine
      ? status === 'failed'
        ? 'bg-red-600/90 text-white'
        : 'bg-emerald-600 text-white'
      : 'bg-white text-slate-900 ring-1 ring-slate-200 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700';

  return (
    <div
      data-testid="message"
      data-id={message.id}
      data-kind={body.kind}
      data-status={status}
      data-mine={mine ? 'true' : 'false'}
      data-highlighted={highlighted ? 'true' : undefined}
      className={`group flex max-w-[88%] flex-col sm:max-w-[70%] ${mine ? 'items-end' : 'items-start'}`}
    >
      {senderLabel && <span className="mb-0.5 px-1 text-xs font-medium text-slate-500 dark:text-slate-400">{senderLabel}</span>}
      <div className={`relative flex items-center gap-1 ${mine ? 'flex-row-reverse' : ''}`}>
        <div
          onClick={() => setActive((a) => !a)}
          className={`min-w-0 rounded-2xl ${tone} ${mine ? 'rounded-br-md' : 'rounded-bl-md'} ${status === 'pending' ? 'opacity-80' : ''} ${
            plain ? 'px-3.5 py-2 shadow-sm' : ''
          } ${highlighted ? HIGHLIGHT_ON : HIGHLIGHT_OFF}`}
        >
          {message.replyTo && body.kind !== 'deleted' && (
            <button
              type="button"
              data-testid="message-quote"
              onClick={(e) => {
                e.stopPropagation();
                handlers.onJumpTo(message.replyTo!.messageId);
              }}
              className={`mb-1.5 block w-full rounded-lg border-l-4 px-2.5 py-1 text-left text-sm ${
                mine && plain ? 'border-white/60 bg-white/15 text-white/90' : 'border-emerald-500 bg-slate-100 text-slate-600 dark:bg-slate-900/60 dark:text-slate-300'
              } ${plain ? '' : 'mx-3.5 mt-2 w-auto'}`}
            >
              {quotedAuthor && <span className="block text-xs font-semibold">{quotedAuthor}</span>}
              <span className="line-clamp-2 break-words">{message.replyTo.quote ?? 'Original message'}</span>
            </button>
          )}
          <Body body={body} mine={mine} />
          <div className={`flex items-center justify-end gap-1 text-[11px] ${plain ? 'mt-0.5' : 'mt-1 px-2'} ${mine && plain ? 'text-white/75' : 'text-slate-400'}`}>
            {message.editedAt && body.kind === 'text' && (
              <span data-testid="message-edited" title={`Edited ${formatFull(message.editedAt)}`}>
                edited ·
              </span>
            )}
            <time dateTime={message.createdAt} title={formatFull(message.createdAt)}>
              {formatClock(message.createdAt)}
            </time>
            {mine && <MessageStatusIndicator status={status} onRetry={() => handlers.onRetry(message)} canRetry={body.kind === 'text'} />}
          </div>
        </div>
        <MessageActions message={message} allowed={allowed} active={active} onActiveChange={setActive} {...handlers} />
      </div>
      {message.reactions && message.reactions.length > 0 && (
        <ReactionChips
          reactions={message.reactions}
          nameOf={nameOf}
          disabled={!allowed.react}
          onToggle={(emoji) => handlers.onReact(message, emoji)}
          align={mine ? 'end' : 'start'}
        />
      )}
    </div>
  );
}

function Body({ body, mine }: { body: MessageBody; mine: boolean }) {
  if (body.kind === 'text') {
    return (
      <p data-testid="message-text" className="break-words whitespace-pre-wrap">
        {body.text}
      </p>
    );
  }
  if (body.kind === 'deleted') {
    return (
      <p
        data-testid="message-deleted"
        className="rounded-2xl border border-dashed border-slate-300 px-3.5 py-2 text-sm text-slate-500 italic dark:border-slate-700 dark:text-slate-400"
      >
        {mine ? 'You deleted this message' : 'This message was deleted'}
      </p>
    );
  }
  const { title, detail, tone } = describeUndecryptable(body);
  const look =
    tone === 'warning'
      ? 'border-amber-500/40 bg-amber-500/10 text-amber-900 dark:text-amber-200'
      : tone === 'waiting'
        ? 'border-sky-500/30 bg-sky-500/5 text-slate-700 dark:text-slate-200'
        : 'border-slate-300 bg-slate-100 text-slate-600 dark:border-slate-700 dark:bg-slate-800/60 dark:text-slate-300';
  return (
    <div
      data-testid="message-undecryptable"
      data-code={body.code ?? 'waiting-for-key'}
      className={`flex max-w-sm gap-2.5 rounded-2xl border border-dashed px-3.5 py-2.5 ${look}`}
    >
      <KeyIcon className={`mt-0.5 h-4 w-4 shrink-0 ${tone === 'waiting' ? 'text-sky-500 motion-safe:animate-pulse' : ''}`} />
      <div className="min-w-0">
        <p className="text-sm font-medium">{title}</p>
        <p className="mt-0.5 text-xs opacity-80">{detail}</p>
      </div>
    </div>
  );
}
