import type { MessageStatus } from '@cipherlink/client';

interface Props {
  status: MessageStatus;
  canRetry: boolean;
  onRetry(): void;
}

/** Pending clock, sent check, or "Not sent · Retry". */
export function MessageStatusIndicator({ status, canRetry, onRetry }: Props) {
  if (status === 'pending') {
    return (
      <svg viewBox="0 0 16 16" className="h-3 w-3" fill="none" stroke="currentColor" strokeWidth="1.6" role="img" aria-label="Sending">
        <circle cx="8" cy="8" r="6.2" />
        <path d="M8 4.5V8l2.3 1.5" strokeLinecap="round" />
      </svg>
    );
  }
  if (status === 'sent') {
    return (
      <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth="1.8" role="img" aria-label="Sent">
        <path d="M3.5 8.5l3 3 6-7" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    );
  }
  return (
    <span className="inline-flex items-center gap-1 font-medium text-white">
      Not sent
      {canRetry && (
        <>
          {' · '}
          <button type="button" onClick={onRetry} className="underline underline-offset-2 hover:no-underline">
            Retry
          </button>
        </>
      )}
    </span>
  );
}
