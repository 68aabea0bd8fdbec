import type { DecryptedMessage } from '@cipherlink/client';
import { formatClock, formatFull } from '../lib/time';
import { MessageStatusIndicator } from './MessageStatusIndicator';

/** One message. Text is rendered as text (never HTML); undecryptable content gets a placeholder, never garbage. */
export function MessageBubble({ message, onRetry }: { message: DecryptedMessage; onRetry(): void }) {
  const { mine, status, body } = message;
  const tone = mine
    ? status === 'failed'
      ? 'bg-red-600/90 text-white'
      : 'bg-emerald-600 text-white'
    : 'bg-white text-slate-900 ring-1 ring-slate-200 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700';

  return (
    <div
      data-testid="message"
      data-status={status}
      data-mine={mine ? 'true' : 'false'}
      className={`max-w-[85%] rounded-2xl px-3.5 py-2 shadow-sm sm:max-w-[70%] ${tone} ${mine ? 'rounded-br-md' : 'rounded-bl-md'} ${
        status === 'pending' ? 'opacity-80' : ''
      }`}
    >
      {body.kind === 'text' ? (
        <p className="break-words whitespace-pre-wrap">{body.text}</p>
      ) : (
        <p className="italic opacity-80">🔒 Can&apos;t decrypt this message ({body.reason})</p>
      )}
      <div className={`mt-0.5 flex items-center justify-end gap-1 text-[11px] ${mine ? 'text-white/75' : 'text-slate-400'}`}>
        <time dateTime={message.createdAt} title={formatFull(message.createdAt)}>
          {formatClock(message.createdAt)}
        </time>
        {mine && <MessageStatusIndicator status={status} onRetry={onRetry} canRetry={body.kind === 'text'} />}
      </div>
    </div>
  );
}
