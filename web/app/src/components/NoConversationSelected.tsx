import { LockIcon } from './LockIcon';

export function NoConversationSelected({ hasConversations }: { hasConversations: boolean }) {
  return (
    <div className="flex flex-1 flex-col items-center justify-center gap-3 p-8 text-center text-slate-500 dark:text-slate-400">
      <div className="flex h-14 w-14 items-center justify-center rounded-full bg-emerald-500/10 text-emerald-500">
        <LockIcon className="h-6 w-6" />
      </div>
      <p className="font-medium text-slate-700 dark:text-slate-200">
        {hasConversations ? 'Pick a conversation' : 'Start your first conversation'}
      </p>
      <p className="max-w-xs text-sm">
        {hasConversations
          ? 'Choose someone on the left to read and send messages.'
          : 'Type a username under “New message” to send them an encrypted message.'}
      </p>
    </div>
  );
}
