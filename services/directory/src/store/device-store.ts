import { withTransaction } from '@cipherlink/kit';
import type { CertifiedDevice, RegisterDeviceV1Request } from '@cipherlink/proto';
import { isoOf, type DeviceRow, type PgPool } from './types';

/** Most devices (v0 and v1 together) one user may have registered at once. */
export const MAX_DEVICES_PER_USER = 100;

/** Outcome of registering a certified (v1) device. */
export type RegisterCertifiedResult =
  | { kind: 'created' | 'exists'; device: CertifiedDevice }
  /** The device id is taken (by another user, or by this user with other keys). */
  | { kind: 'id_taken' }
  /** The user's identity key is no longer the one the certificate was checked against (replaced meanwhile). */
  | { kind: 'identity_changed' }
  | { kind: 'too_many_devices' };

/**
 * Devices and their public keys. A device belongs to exactly one user and is either a v0 device (one ECDH public
 * key) or a certified v1 device (ECDH key, signing key, identity-key certificate).
 */
export interface DeviceStore {
  /** Register a v0 `publicKey` for `userId`; the same key again returns the existing device with `created: false`. */
  register(userId: string, publicKey: string): Promise<{ device: DeviceRow; created: boolean }>;
  /** The user's v0 devices (those with a single public key), oldest first. */
  listOf(userId: string): Promise<DeviceRow[]>;
  belongsTo(userId: string, deviceId: string): Promise<boolean>;
  /**
   * Register a certified device whose certificate was checked against `identityKey`. The identity row is locked
   * (shared) for the insert, so a concurrent identity replacement, which deletes the certified devices of the old
   * key, either sees this device or makes this call answer `identity_changed`. The same device again is `exists`.
   */
  registerCertified(userId: string, device: RegisterDeviceV1Request, identityKey: string): Promise<RegisterCertifiedResult>;
  /** Certified devices of each of `userIds` (users without any are absent from the map), oldest first. */
  certifiedOf(userIds: readonly string[]): Promise<Map<string, CertifiedDevice[]>>;
  /** Delete one of the user's devices (either kind); false when it is not theirs or does not exist. */
  remove(userId: string, deviceId: string): Promise<boolean>;
  /** Which of `deviceIds` are certified devices of current members of the conversation, with their users. */
  certifiedOfMembers(conversationId: string, deviceIds: readonly string[]): Promise<{ deviceId: string; userId: string }[]>;
}

interface Row {
  id: string;
  user_id: string;
  public_key: string;
  created_at: Date;
}
interface CertifiedRow {
  id: string;
  user_id: string;
  ecdh_key: string;
  signing_key: string;
  certificate: string;
  certified_at: string;
  created_at: Date;
}
const toDevice = (r: Row): DeviceRow => ({ id: r.id, userId: r.user_id, publicKey: r.public_key, createdAt: isoOf(r.created_at) });
const toCertified = (r: CertifiedRow): CertifiedDevice => ({
  deviceId: r.id,
  ecdhKey: r.ecdh_key,
  signingKey: r.signing_key,
  certificate: r.certificate,
  // bigint arrives as text; milliseconds stay below 2^53.
  certifiedAt: Number(r.certified_at),
  createdAt: isoOf(r.created_at),
});
const COLUMNS = 'id, user_id, public_key, created_at';
const CERTIFIED_COLUMNS = 'id, user_id, ecdh_key, signing_key, certificate, certified_at, created_at';

export function createDeviceStore(pool: PgPool): DeviceStore {
  return {
    async register(userId, publicKey) {
      const inserted = await pool.query<Row>(
        `INSERT INTO directory_devices (user_id, public_key) VALUES ($1, $2)
         ON CONFLICT (user_id, public_key) DO NOTHING
         RETURNING ${COLUMNS}`,
        [userId, publicKey],
      );
      if (inserted.rows[0]) return { device: toDevice(inserted.rows[0]), created: true };
      // The conflicting row is committed (ON CONFLICT waited for it), so this read always finds it.
      const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM directory_devices WHERE user_id = $1 AND public_key = $2`, [
        userId,
        publicKey,
      ]);
      if (!rows[0]) throw new Error('device vanished between insert and select');
      return { device: toDevice(rows[0]), created: false };
    },
    async listOf(userId) {
      const { rows } = await pool.query<Row>(
        `SELECT ${COLUMNS} FROM directory_devices WHERE user_id = $1 AND public_key IS NOT NULL ORDER BY created_at, id`,
        [userId],
      );
      return rows.map(toDevice);
    },
    async belongsTo(userId, deviceId) {
      const { rowCount } = await pool.query('SELECT 1 FROM directory_devices WHERE id = $1 AND user_id = $2', [deviceId, userId]);
      return rowCount === 1;
    },

    async registerCertified(userId, device, identityKey) {
      return withTransaction(pool, async (db) => {
        const identity = await db.query<{ identity_key: string }>('SELECT identity_key FROM directory_identity_keys WHERE user_id = $1 FOR SHARE', [userId]);
        if (identity.rows[0]?.identity_key !== identityKey) return { kind: 'identity_changed' } as const;
        const inserted = await db.query<CertifiedRow>(
          `INSERT INTO directory_devices (id, user_id, ecdh_key, signing_key, certificate, certified_at)
           SELECT $1, $2, $3, $4, $5, $6
            WHERE (SELECT count(*) FROM directory_devices WHERE user_id = $2) < $7
           ON CONFLICT (id) DO NOTHING
           RETURNING ${CERTIFIED_COLUMNS}`,
          [device.deviceId, userId, device.ecdhKey, device.signingKey, device.certificate, device.certifiedAt, MAX_DEVICES_PER_USER],
        );
        if (inserted.rows[0]) return { kind: 'created', device: toCertified(inserted.rows[0]) } as const;
        const { rows } = await db.query<CertifiedRow>(`SELECT ${CERTIFIED_COLUMNS} FROM directory_devices WHERE id = $1`, [device.deviceId]);
        const existing = rows[0];
        if (!existing) return { kind: 'too_many_devices' } as const;
        const same =
          existing.user_id === userId.toLowerCase() &&
          existing.ecdh_key === device.ecdhKey &&
          existing.signing_key === device.signingKey &&
          existing.certificate === device.certificate &&
          Number(existing.certified_at) === device.certifiedAt;
        return same ? ({ kind: 'exists', device: toCertified(existing) } as const) : ({ kind: 'id_taken' } as const);
      });
    },

    async certifiedOf(userIds) {
      const out = new Map<string, CertifiedDevice[]>();
      if (userIds.length === 0) return out;
      const { rows } = await pool.query<CertifiedRow>(
        `SELECT ${CERTIFIED_COLUMNS} FROM directory_devices
          WHERE user_id = ANY($1::uuid[]) AND ecdh_key IS NOT NULL
          ORDER BY created_at, id`,
        [userIds],
      );
      for (const row of rows) {
        const list = out.get(row.user_id) ?? [];
        list.push(toCertified(row));
        out.set(row.user_id, list);
      }
      return out;
    },

    async remove(userId, deviceId) {
      const { rowCount } = await pool.query('DELETE FROM directory_devices WHERE id = $1 AND user_id = $2', [deviceId, userId]);
      return rowCount === 1;
    },

    async certifiedOfMembers(conversationId, deviceIds) {
      if (deviceIds.length === 0) return [];
      const { rows } = await pool.query<{ id: string; user_id: string }>(
        `SELECT d.id, d.user_id
           FROM directory_devices d
           JOIN directory_members m ON m.user_id = d.user_id AND m.conversation_id = $1
          WHERE d.id = ANY($2::uuid[]) AND d.ecdh_key IS NOT NULL`,
        [conversationId, deviceIds],
      );
      return rows.map((r) => ({ deviceId: r.id, userId: r.user_id }));
    },
  };
}
