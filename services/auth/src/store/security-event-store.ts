import { randomUUID } from 'node:crypto';
import type { PgPool } from '@cipherlink/kit';
import type { SecurityEventKind } from '@cipherlink/proto';

/** Something that can run a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<PgPool, 'query'>;

/** Where a request came from, as stored and shown: a device label and a truncated IP, never the raw values. */
export interface RequestOrigin {
  device: string;
  location: string;
}

export interface SecurityEventRow {
  id: string;
  kind: SecurityEventKind;
  at: Date;
  sessionId: string | null;
  device: string | null;
  location: string | null;
}

/** Append a security event; `db` is a transaction's client when the event belongs to a larger change. */
export async function recordSecurityEvent(
  db: Queryable,
  event: { userId: string; sessionId?: string | undefined; kind: SecurityEventKind; at: Date; origin?: RequestOrigin | undefined },
): Promise<void> {
  await db.query(
    `INSERT INTO auth_security_events (id, user_id, session_id, kind, created_at, device, location) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [randomUUID(), event.userId, event.sessionId ?? null, event.kind, event.at, event.origin?.device ?? null, event.origin?.location ?? null],
  );
}

/** The newest `limit` security events of a user, newest first. */
export async function latestSecurityEvents(db: Queryable, userId: string, limit: number): Promise<SecurityEventRow[]> {
  const { rows } = await db.query<{ id: string; kind: SecurityEventKind; created_at: Date; session_id: string | null; device: string | null; location: string | null }>(
    `SELECT id, kind, created_at, session_id, device, location FROM auth_security_events
     WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
    [userId, limit],
  );
  return rows.map((r) => ({ id: r.id, kind: r.kind, at: r.created_at, sessionId: r.session_id, device: r.device, location: r.location }));
}

export interface SecurityEventStore {
  latest(userId: string, limit: number): Promise<SecurityEventRow[]>;
}

export const createSecurityEventStore = (pool: PgPool): SecurityEventStore => ({ latest: (userId, limit) => latestSecurityEvents(pool, userId, limit) });
