import type { DecryptedMessage } from '@cipherlink/client';

/**
 * Merge by id (the newer copy wins: an ack replaces its pending message, duplicates collapse) and order by
 * sequence number; pending messages (seq 0) go last, in creation order.
 */
export function upsertMessages(current: readonly DecryptedMessage[], incoming: readonly DecryptedMessage[]): DecryptedMessage[] {
  const byId = new Map(current.map((m) => [m.id, m] as const));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort(compareMessages);
}

/** Stored messages by seq, then unsent ones (seq 0) by creation time. */
export function compareMessages(a: DecryptedMessage, b: DecryptedMessage): number {
  const sa = a.seq > 0 ? a.seq : Number.POSITIVE_INFINITY;
  const sb = b.seq > 0 ? b.seq : Number.POSITIVE_INFINITY;
  if (sa !== sb) return sa - sb;
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}
