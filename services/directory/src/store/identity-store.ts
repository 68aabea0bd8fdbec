import { withTransaction } from '@cipherlink/kit';
import { isoOf, type PgPool } from './types';

/** A user's identity public key and its version. */
export interface IdentityKeyRow {
  identityKey: string;
  version: number;
  changedAt: string;
}

/** Outcome of setting an identity key. */
export type SetIdentityResult =
  | { kind: 'created' | 'unchanged'; identity: IdentityKeyRow }
  /** A different key replaced the old one: the version grew and the old key's certified devices were deleted. */
  | { kind: 'replaced'; identity: IdentityKeyRow; removedDeviceIds: string[] };

/** Identity public keys (one per user). */
export interface IdentityStore {
  get(userId: string): Promise<IdentityKeyRow | undefined>;
  /** Identity keys of several users (users without one are absent). */
  getMany(userIds: readonly string[]): Promise<Map<string, IdentityKeyRow>>;
  /**
   * Set the user's identity key. The same key again changes nothing. A different key bumps the version, stamps
   * `changedAt` and deletes the certified (v1) devices: their certificates are signatures of the old key, which no
   * longer speaks for the user, so no client could accept them. v0 devices are kept.
   */
  set(userId: string, identityKey: string): Promise<SetIdentityResult>;
}

interface Row {
  user_id: string;
  identity_key: string;
  version: number;
  changed_at: Date;
}
const toIdentity = (r: Row): IdentityKeyRow => ({ identityKey: r.identity_key, version: r.version, changedAt: isoOf(r.changed_at) });

export function createIdentityStore(pool: PgPool): IdentityStore {
  return {
    async get(userId) {
      const { rows } = await pool.query<Row>('SELECT user_id, identity_key, version, changed_at FROM directory_identity_keys WHERE user_id = $1', [userId]);
      return rows[0] ? toIdentity(rows[0]) : undefined;
    },

    async getMany(userIds) {
      const out = new Map<string, IdentityKeyRow>();
      if (userIds.length === 0) return out;
      const { rows } = await pool.query<Row>(
        'SELECT user_id, identity_key, version, changed_at FROM directory_identity_keys WHERE user_id = ANY($1::uuid[])',
        [userIds],
      );
      for (const row of rows) out.set(row.user_id, toIdentity(row));
      return out;
    },

    async set(userId, identityKey) {
      return withTransaction(pool, async (db) => {
        const inserted = await db.query<Row>(
          `INSERT INTO directory_identity_keys (user_id, identity_key, version) VALUES ($1, $2, 1)
           ON CONFLICT (user_id) DO NOTHING
           RETURNING user_id, identity_key, version, changed_at`,
          [userId, identityKey],
        );
        if (inserted.rows[0]) return { kind: 'created', identity: toIdentity(inserted.rows[0]) } as const;
        // Locks out concurrent replacements and device registrations (they take FOR SHARE) until the commit.
        const { rows } = await db.query<Row>(
          'SELECT user_id, identity_key, version, changed_at FROM directory_identity_keys WHERE user_id = $1 FOR UPDATE',
          [userId],
        );
        const current = rows[0];
        if (!current) throw new Error('identity key vanished after a conflicting insert');
        if (current.identity_key === identityKey) return { kind: 'unchanged', identity: toIdentity(current) } as const;
        const updated = await db.query<Row>(
          `UPDATE directory_identity_keys SET identity_key = $2, version = version + 1, changed_at = now()
            WHERE user_id = $1
           RETURNING user_id, identity_key, version, changed_at`,
          [userId, identityKey],
        );
        const removed = await db.query<{ id: string }>('DELETE FROM directory_devices WHERE user_id = $1 AND ecdh_key IS NOT NULL RETURNING id', [userId]);
        return { kind: 'replaced', identity: toIdentity(updated.rows[0]!), removedDeviceIds: removed.rows.map((r) => r.id) } as const;
      });
    },
  };
}
