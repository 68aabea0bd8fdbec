import { LockIcon } from './LockIcon';

export function EncryptionBadge() {
  return (
    <span
      title="Messages are encrypted in this browser; the server only stores ciphertext."
      className="inline-flex shrink-0 items-center gap-1 rounded-full bg-emerald-500/10 px-2.5 py-1 text-xs font-medium text-emerald-700 dark:text-emerald-400"
    >
      <LockIcon className="h-3.5 w-3.5" />
      <span className="sr-only sm:not-sr-only">End-to-end encrypted</span>
    </span>
  );
}
