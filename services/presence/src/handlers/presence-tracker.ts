import type { Logger } from '@cipherlink/kit';
import type { PresenceChangedEvent, PresenceState } from '@cipherlink/proto';
import { connectionExpiryMs, presenceStateOf, transitionOf, type PresenceOp } from '../domain/presence-rules';
import type { PresenceStore } from '../store/presence-store';

/** Connection keys outlive their longest entry by a wide margin; the sweeper, not Redis, normally cleans them. */
const KEY_TTL_FACTOR = 10;
/** Users reconciled per sweeper page. */
const SWEEP_PAGE = 200;

export interface PresenceTrackerOptions {
  store: PresenceStore;
  /** How long a connection stays live without a heartbeat. */
  ttlMs: number;
  /** Announce a transition (core NATS in the service). */
  publish: (event: PresenceChangedEvent) => void;
  logger: Logger;
  now?: () => number;
}

/** Presence use cases: the RPC handlers and the sweeper call these. */
export interface PresenceTracker {
  /** A connection is alive (new or heartbeat). Announces online if it is the user's first live one. */
  heartbeat(userId: string, connectionId: string): Promise<void>;
  /** A connection closed. Announces offline (and stores last-seen) if it was the user's last. */
  disconnect(userId: string, connectionId: string): Promise<{ online: boolean }>;
  query(userIds: readonly string[]): Promise<PresenceState[]>;
  /** Announce offline for believed-online users whose connections all expired. Returns how many went offline. */
  sweep(): Promise<number>;
}

export function createPresenceTracker(opts: PresenceTrackerOptions): PresenceTracker {
  const { store, ttlMs, publish } = opts;
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ module: 'presence' });

  async function step(userId: string, op: PresenceOp, connectionId?: string): Promise<{ live: number; changed: boolean }> {
    const nowMs = now();
    const facts = await store.reconcile(userId, {
      op,
      nowMs,
      ...(connectionId === undefined ? {} : { connectionId }),
      expiryMs: connectionExpiryMs(nowMs, ttlMs),
      keyTtlMs: ttlMs * KEY_TTL_FACTOR,
    });
    const change = transitionOf(op, facts, nowMs, ttlMs);
    if (change) {
      const at = new Date(change.atMs).toISOString();
      // Last-seen is written before the event so a client that queries on the event reads it.
      if (!change.online) await store.setLastSeen(userId, at);
      publish({ v: 1, userId, online: change.online, at });
      log.debug({ userId, online: change.online, op }, 'presence changed');
    }
    return { live: facts.liveConnections, changed: change !== null };
  }

  return {
    async heartbeat(userId, connectionId) {
      await step(userId.toLowerCase(), 'heartbeat', connectionId);
    },
    async disconnect(userId, connectionId) {
      const { live } = await step(userId.toLowerCase(), 'disconnect', connectionId);
      return { online: live > 0 };
    },
    async query(userIds) {
      const stored = await store.read(userIds.map((id) => id.toLowerCase()));
      const nowMs = now();
      return stored.map((s) => presenceStateOf(s, nowMs));
    },
    async sweep() {
      let cursor = '0';
      let wentOffline = 0;
      do {
        const page = await store.scanOnline(cursor, SWEEP_PAGE);
        cursor = page.cursor;
        // Concurrent calls share ioredis' pipeline; each user's step is atomic on its own.
        const results = await Promise.all(page.userIds.map((userId) => step(userId, 'sweep')));
        wentOffline += results.filter((r) => r.changed).length;
      } while (cursor !== '0');
      return wentOffline;
    },
  };
}
