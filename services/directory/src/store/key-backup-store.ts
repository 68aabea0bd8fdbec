import { isoOf, type PgPool } from './types';

export interface KeyBackupRow {
  version: number;
  blob: string;
  updatedAt: string;
}

export type PutKeyBackupResult = { kind: 'stored'; version: number; updatedAt: string } | { kind: 'conflict'; currentVersion: number };

/** The user's encrypted key backup: one opaque blob per user, replaced with optimistic concurrency. */
export interface KeyBackupStore {
  get(userId: string): Promise<KeyBackupRow | undefined>;
  /**
   * Store `blob` as `version` if the stored version is `version - 1` (none stored counts as 0), in one statement, so
   * of two devices writing on top of the same version exactly one wins; the other gets the current version.
   */
  put(userId: string, version: number, blob: string): Promise<PutKeyBackupResult>;
}

interface Row {
  version: number;
  blob: string;
  updated_at: Date;
}

export function createKeyBackupStore(pool: PgPool): KeyBackupStore {
  return {
    async get(userId) {
      const { rows } = await pool.query<Row>('SELECT version, blob, updated_at FROM directory_key_backups WHERE user_id = $1', [userId]);
      return rows[0] ? { version: rows[0].version, blob: rows[0].blob, updatedAt: isoOf(rows[0].updated_at) } : undefined;
    },

    async put(userId, version, blob) {
      const written =
        version === 1
          ? await pool.query<{ version: number; updated_at: Date }>(
              `INSERT INTO directory_key_backups (user_id, version, blob) VALUES ($1, 1, $2)
               ON CONFLICT (user_id) DO NOTHING
               RETURNING version, updated_at`,
              [userId, blob],
            )
          : await pool.query<{ version: number; updated_at: Date }>(
              `UPDATE directory_key_backups SET version = $2, blob = $3, updated_at = now()
                WHERE user_id = $1 AND version = $2 - 1
               RETURNING version, updated_at`,
              [userId, version, blob],
            );
      const row = written.rows[0];
      if (row) return { kind: 'stored', version: row.version, updatedAt: isoOf(row.updated_at) };
      const { rows } = await pool.query<{ version: number }>('SELECT version FROM directory_key_backups WHERE user_id = $1', [userId]);
      return { kind: 'conflict', currentVersion: rows[0]?.version ?? 0 };
    },
  };
}
