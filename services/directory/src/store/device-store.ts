import { isoOf, type DeviceRow, type PgPool } from './types';

/** Devices and their public keys. A device belongs to exactly one user. */
export interface DeviceStore {
  /** Register `publicKey` for `userId`; the same key again returns the existing device with `created: false`. */
  register(userId: string, publicKey: string): Promise<{ device: DeviceRow; created: boolean }>;
  listOf(userId: string): Promise<DeviceRow[]>;
  belongsTo(userId: string, deviceId: string): Promise<boolean>;
}

interface Row {
  id: string;
  user_id: string;
  public_key: string;
  created_at: Date;
}
const toDevice = (r: Row): DeviceRow => ({ id: r.id, userId: r.user_id, publicKey: r.public_key, createdAt: isoOf(r.created_at) });
const COLUMNS = 'id, user_id, public_key, created_at';

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
      const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM directory_devices WHERE user_id = $1 ORDER BY created_at, id`, [
        userId,
      ]);
      return rows.map(toDevice);
    },
    async belongsTo(userId, deviceId) {
      const { rowCount } = await pool.query('SELECT 1 FROM directory_devices WHERE id = $1 AND user_id = $2', [deviceId, userId]);
      return rowCount === 1;
    },
  };
}
