import type { Redis } from 'ioredis';
import type { PresenceOp, ReconcileFacts } from '../domain/presence-rules';

/** Redis keys, one place. */
export const presenceKeys = {
  /** Sorted set: connection id -> expiry (ms). */
  conns: (userId: string) => `cl:presence:conns:${userId}`,
  /** ISO-8601 time the user was last seen (written when they go offline). */
  last: (userId: string) => `cl:presence:last:${userId}`,
  /** Users believed online: the sweeper's work list and the flag whose flip is the transition. */
  online: 'cl:presence:online',
} as const;

/** How long a last-seen time is kept (90 days): old enough to be shown as "a long time ago". */
const LAST_SEEN_TTL_MS = 90 * 24 * 3600_000;

/**
 * One atomic step for one user: prune expired connections, apply the change, count what is live and set or clear
 * the user's "believed online" flag accordingly. Because the flag is read and flipped inside the same script, a
 * 0 -> 1 or 1 -> 0 transition is observed by exactly one caller, whichever presence instance runs it.
 *
 * KEYS: conns, online. ARGV: userId, nowMs, op, connectionId, expiryMs, keyTtlMs.
 * Returns { wasOnline (0|1), liveConnections, largest pruned expiry or -1 }.
 */
const RECONCILE_LUA = `
local now = tonumber(ARGV[2])
local op = ARGV[3]
local lastExpired = -1
local newest = redis.call('ZREVRANGEBYSCORE', KEYS[1], now, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
if newest[2] then
  lastExpired = tonumber(newest[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
end
if op == 'heartbeat' then
  redis.call('ZADD', KEYS[1], ARGV[5], ARGV[4])
  local keyTtl = tonumber(ARGV[6])
  if redis.call('PTTL', KEYS[1]) < keyTtl then redis.call('PEXPIRE', KEYS[1], keyTtl) end
elseif op == 'disconnect' then
  redis.call('ZREM', KEYS[1], ARGV[4])
end
local live = redis.call('ZCARD', KEYS[1])
local was = redis.call('SISMEMBER', KEYS[2], ARGV[1])
if live > 0 then
  redis.call('SADD', KEYS[2], ARGV[1])
else
  redis.call('SREM', KEYS[2], ARGV[1])
end
return { was, live, lastExpired }
`;

type ReconcileCommand = (conns: string, online: string, ...args: (string | number)[]) => Promise<[number, number, number]>;

/** Stored presence of one user, as read by a query. */
export interface StoredPresence {
  userId: string;
  online: boolean;
  lastSeenAt: string | null;
}

/** Presence state in Redis: connection entries with expiries, the online set, last-seen times. */
export interface PresenceStore {
  reconcile(
    userId: string,
    change: { op: PresenceOp; nowMs: number; connectionId?: string; expiryMs?: number; keyTtlMs?: number },
  ): Promise<ReconcileFacts>;
  setLastSeen(userId: string, iso: string): Promise<void>;
  read(userIds: readonly string[]): Promise<StoredPresence[]>;
  /** One page of the online set; cursor '0' starts and, when returned, ends the scan. */
  scanOnline(cursor: string, count: number): Promise<{ cursor: string; userIds: string[] }>;
  ping(): Promise<void>;
}

export function createPresenceStore(redis: Redis): PresenceStore {
  redis.defineCommand('clPresenceReconcile', { numberOfKeys: 2, lua: RECONCILE_LUA });
  const reconcileCmd = (redis as unknown as { clPresenceReconcile: ReconcileCommand }).clPresenceReconcile.bind(redis);

  return {
    async reconcile(userId, change) {
      const [was, live, lastExpired] = await reconcileCmd(
        presenceKeys.conns(userId),
        presenceKeys.online,
        userId,
        change.nowMs,
        change.op,
        change.connectionId ?? '',
        change.expiryMs ?? 0,
        change.keyTtlMs ?? 0,
      );
      return { wasOnline: was === 1, liveConnections: live, lastExpiredMs: lastExpired < 0 ? null : lastExpired };
    },
    async setLastSeen(userId, iso) {
      await redis.set(presenceKeys.last(userId), iso, 'PX', LAST_SEEN_TTL_MS);
    },
    async read(userIds) {
      if (userIds.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of userIds) pipeline.sismember(presenceKeys.online, id).get(presenceKeys.last(id));
      const replies = (await pipeline.exec()) ?? [];
      return userIds.map((userId, i) => {
        const [onlineErr, online] = replies[2 * i] ?? [];
        const [lastErr, last] = replies[2 * i + 1] ?? [];
        if (onlineErr || lastErr) throw onlineErr ?? lastErr;
        return { userId, online: online === 1, lastSeenAt: typeof last === 'string' ? last : null };
      });
    },
    async scanOnline(cursor, count) {
      const [next, userIds] = await redis.sscan(presenceKeys.online, cursor, 'COUNT', count);
      return { cursor: next, userIds };
    },
    async ping() {
      await redis.ping();
    },
  };
}
