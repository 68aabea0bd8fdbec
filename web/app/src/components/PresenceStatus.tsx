import { useEffect, useState } from 'react';
import type { PresenceState } from '@cipherlink/proto';
import { formatLastSeen } from '../lib/time';

/** "online", "last seen 5 min ago" or "offline"; re-rendered each minute so relative times stay true. */
export function PresenceStatus({ presence }: { presence: PresenceState | undefined }) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);

  let text = 'offline';
  if (presence?.online) text = 'online';
  else if (presence?.lastSeenAt) text = `last seen ${formatLastSeen(presence.lastSeenAt, now)}`;

  return (
    <p
      data-testid="presence-status"
      className={`truncate text-xs ${presence?.online ? 'text-emerald-600 dark:text-emerald-400' : 'text-slate-500 dark:text-slate-400'}`}
    >
      {text}
    </p>
  );
}
