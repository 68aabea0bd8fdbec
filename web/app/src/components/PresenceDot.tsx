export function PresenceDot({ online, className = '' }: { online: boolean; className?: string }) {
  return (
    <span
      role="img"
      aria-label={online ? 'online' : 'offline'}
      className={`${className} block h-3 w-3 rounded-full ring-2 ring-white dark:ring-slate-900 ${
        online ? 'bg-emerald-500' : 'bg-slate-400 dark:bg-slate-600'
      }`}
    />
  );
}
