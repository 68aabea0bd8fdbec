/**
 * Pure presence rules. A user is online while at least one of their connections is live (its expiry is in the
 * future). The atomic part (prune, change, count, flip the "believed online" flag) runs as one Redis script; these
 * functions interpret what it reports and decide which event, if any, to publish.
 */

/** What changed a user's connections. */
export type PresenceOp = 'heartbeat' | 'disconnect' | 'sweep';

/** Facts reported by the atomic reconcile step for one user. */
export interface ReconcileFacts {
  /** The user was in the "believed online" set before this step. */
  wasOnline: boolean;
  /** Live connections after this step. */
  liveConnections: number;
  /** Largest expiry (ms) among the connections this step pruned as expired; null if none were pruned. */
  lastExpiredMs: number | null;
}

/** An online/offline transition to announce. */
export interface PresenceChange {
  online: boolean;
  /** Transition time; for offline, the last time the user was seen (also stored as last-seen). */
  atMs: number;
}

/** When a connection heartbeated at `nowMs` stops counting as live. */
export function connectionExpiryMs(nowMs: number, ttlMs: number): number {
  return nowMs + ttlMs;
}

/**
 * The transition implied by a reconcile step, or null when the user's online state did not change (a second
 * connection, a heartbeat that extends one, a disconnect while others remain, a sweep that finds live entries).
 */
export function transitionOf(op: PresenceOp, facts: ReconcileFacts, nowMs: number, ttlMs: number): PresenceChange | null {
  const isOnline = facts.liveConnections > 0;
  if (isOnline === facts.wasOnline) return null;
  if (isOnline) return { online: true, atMs: nowMs };
  return { online: false, atMs: lastSeenMs(op, facts, nowMs, ttlMs) };
}

/**
 * When a user who just went offline was last seen. A clean disconnect happens now. An expiry (the gateway
 * stopped heartbeating, e.g. it crashed) means the user was last seen at their last heartbeat: the latest pruned
 * expiry minus the TTL, never later than now.
 */
export function lastSeenMs(op: PresenceOp, facts: Pick<ReconcileFacts, 'lastExpiredMs'>, nowMs: number, ttlMs: number): number {
  if (op !== 'sweep' || facts.lastExpiredMs === null) return nowMs;
  return Math.max(0, Math.min(nowMs, facts.lastExpiredMs - ttlMs));
}

/**
 * The state a query reports. "Online" follows the believed-online flag (what events announced), so a client that
 * combines a query with later events never misses a transition. An online user is being seen right now.
 */
export function presenceStateOf(
  stored: { userId: string; online: boolean; lastSeenAt: string | null },
  nowMs: number,
): { userId: string; online: boolean; lastSeenAt: string | null } {
  return stored.online ? { ...stored, lastSeenAt: new Date(nowMs).toISOString() } : stored;
}
