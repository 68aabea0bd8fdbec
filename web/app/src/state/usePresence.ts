import { useEffect, useState } from 'react';
import type { PresenceState } from '@cipherlink/proto';
import { useClient } from './ClientContext';

export type PresenceMap = ReadonlyMap<string, PresenceState>;

/**
 * Watches the presence of `userIds` and returns what is known about them. The SDK re-sends the watch list after
 * a reconnect; we only tell it which users matter.
 */
export function usePresence(userIds: readonly string[]): PresenceMap {
  const client = useClient();
  const [presence, setPresence] = useState<PresenceMap>(() => new Map());
  const key = [...new Set(userIds)].sort().join(',');

  useEffect(() => {
    return client.on('presence', (p) => {
      setPresence((prev) => new Map(prev).set(p.userId, p));
    });
  }, [client]);

  useEffect(() => {
    const ids = key ? key.split(',') : [];
    if (ids.length === 0) return;
    client.watchPresence(ids);
    // Seed from whatever the SDK already knows (events that arrived before this component subscribed).
    setPresence((prev) => {
      const next = new Map(prev);
      for (const id of ids) {
        const known = client.presence(id);
        if (known && !next.has(id)) next.set(id, known);
      }
      return next;
    });
  }, [client, key]);

  return presence;
}
