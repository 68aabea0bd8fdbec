import type { ConnectionState } from '@cipherlink/client';
import { useConnectionState } from '../state/useConnectionState';

const looks: Record<ConnectionState, { label: string; tone: string; dot: string }> = {
  open: { label: 'open', tone: 'bg-emerald-500/10 text-emerald-700 dark:text-emerald-400', dot: 'bg-emerald-500' },
  connecting: { label: 'connecting', tone: 'bg-amber-500/10 text-amber-700 dark:text-amber-400', dot: 'bg-amber-500 animate-pulse' },
  reconnecting: { label: 'reconnecting', tone: 'bg-amber-500/10 text-amber-700 dark:text-amber-400', dot: 'bg-amber-500 animate-pulse' },
  idle: { label: 'offline', tone: 'bg-slate-500/10 text-slate-600 dark:text-slate-400', dot: 'bg-slate-400' },
  closed: { label: 'offline', tone: 'bg-slate-500/10 text-slate-600 dark:text-slate-400', dot: 'bg-slate-400' },
};

/** The realtime connection as the SDK sees it: open / reconnecting / offline. */
export function ConnectionPill() {
  const state = useConnectionState();
  const look = looks[state];
  return (
    <span
      data-testid="connection-state"
      data-state={state}
      title={`Realtime connection: ${look.label}`}
      className={`mt-0.5 inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${look.tone}`}
    >
      <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${look.dot}`} />
      {look.label}
    </span>
  );
}
