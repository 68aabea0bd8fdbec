import { fileURLToPath } from 'node:url';
import { createPgPool, migrate, type Logger, type PgClient } from '@cipherlink/kit';
import { Envelope, type KeyPackage, type MessageSendCommand, type StoredMessage } from '@cipherlink/proto';
import { canonicalCommand } from '../domain/canonical-command';
import { toHistoryPage } from '../domain/history-page';
import { orderLike } from '../domain/order-like';
import type { AppendResult, HistoryPage, KeyPackageBatch, KeyPackagePage, MessageStore } from './message-store';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));
const UNIQUE_VIOLATION = '23505';
const DEADLOCK_DETECTED = '40P01';

interface MessageRow {
  id: string;
  conversation_id: string;
  seq: string;
  sender_user_id: string;
  sender_device_id: string;
  envelope: unknown;
  created_at: Date;
}

const COLUMNS = 'id, conversation_id, seq, sender_user_id, sender_device_id, envelope, created_at';

function toStored(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    // bigint arrives as a string; seqs stay far below 2^53.
    seq: Number(row.seq),
    senderUserId: row.sender_user_id,
    senderDeviceId: row.sender_device_id,
    // jsonb keeps every value but not key order: re-parsing puts the keys back in schema order.
    envelope: Envelope.parse(row.envelope),
    createdAt: row.created_at.toISOString(),
  };
}

interface KeyPackageRow {
  recipient_device_id: string;
  seq: string;
  conversation_id: string;
  epoch: string;
  sender_user_id: string;
  sender_device_id: string;
  blob: string;
  created_at: Date;
}

const KEY_PACKAGE_COLUMNS = 'recipient_device_id, seq, conversation_id, epoch, sender_user_id, sender_device_id, blob, created_at';

function toKeyPackage(row: KeyPackageRow): KeyPackage {
  return {
    seq: Number(row.seq),
    recipientDeviceId: row.recipient_device_id,
    conversationId: row.conversation_id,
    epoch: Number(row.epoch),
    senderUserId: row.sender_user_id,
    senderDeviceId: row.sender_device_id,
    blob: row.blob,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * PostgreSQL adapter: tables `message_store_messages`, `message_store_conversation_seq`, `message_store_key_packages`
 * and `message_store_key_package_seq`.
 */
export function createPostgresMessageStore(opts: { databaseUrl: string; logger: Logger; poolSize?: number }): MessageStore {
  const pool = createPgPool(opts.databaseUrl, { applicationName: 'message-store', max: opts.poolSize ?? 10 });

  async function findById(client: PgClient | typeof pool, id: string): Promise<StoredMessage | undefined> {
    const { rows } = await client.query<MessageRow>(`SELECT ${COLUMNS} FROM message_store_messages WHERE id = $1`, [id]);
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  /**
   * One statement, so one round trip and one implicit transaction: return the message if its id exists; otherwise
   * bump the conversation's counter (the upsert row-locks it until commit, so concurrent appends to a conversation
   * get consecutive seqs) and insert with that seq. If two appends of one id race past the existence check, the
   * loser's insert violates the primary key and its whole statement, counter bump included, rolls back: no gap.
   */
  async function appendOnce(cmd: MessageSendCommand): Promise<AppendResult> {
    const { rows } = await pool.query<MessageRow & { created: boolean }>(
      `WITH existing AS (
         SELECT ${COLUMNS} FROM message_store_messages WHERE id = $1::uuid
       ), counter AS (
         INSERT INTO message_store_conversation_seq (conversation_id, last_seq)
         SELECT $2::uuid, 1 WHERE NOT EXISTS (SELECT 1 FROM existing)
         ON CONFLICT (conversation_id) DO UPDATE SET last_seq = message_store_conversation_seq.last_seq + 1
         RETURNING last_seq
       ), inserted AS (
         INSERT INTO message_store_messages (id, conversation_id, seq, sender_user_id, sender_device_id, envelope)
         SELECT $1::uuid, $2::uuid, last_seq, $3::uuid, $4::uuid, $5::jsonb FROM counter
         RETURNING ${COLUMNS}
       )
       SELECT ${COLUMNS}, false AS created FROM existing
       UNION ALL
       SELECT ${COLUMNS}, true AS created FROM inserted`,
      [cmd.id, cmd.conversationId, cmd.senderUserId, cmd.senderDeviceId, JSON.stringify(cmd.envelope)],
    );
    const row = rows[0];
    if (!row) throw new Error('append returned no row');
    return { message: toStored(row), created: row.created };
  }

  return {
    async migrate() {
      await migrate({ databaseUrl: opts.databaseUrl, dir: MIGRATIONS_DIR, service: 'message-store', logger: opts.logger });
    },

    async append(command) {
      const cmd = canonicalCommand(command);
      try {
        return await appendOnce(cmd);
      } catch (err) {
        // Two appends of the same id raced past the existence check: the loser returns the winner's row.
        if ((err as { code?: string }).code === UNIQUE_VIOLATION) {
          const existing = await findById(pool, cmd.id);
          if (existing) return { message: existing, created: false };
        }
        throw err;
      }
    },

    async history(conversationId, afterSeq, limit): Promise<HistoryPage> {
      const { rows } = await pool.query<MessageRow>(
        `SELECT ${COLUMNS} FROM message_store_messages
         WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [conversationId.toLowerCase(), afterSeq, limit + 1],
      );
      return toHistoryPage(rows.map(toStored), limit);
    },

    async storeKeyPackages(batch: KeyPackageBatch): Promise<KeyPackage[]> {
      if (batch.packages.length === 0) return [];
      const devices = batch.packages.map((p) => p.recipientDeviceId.toLowerCase());
      const blobs = batch.packages.map((p) => p.blob);
      // One statement, one implicit transaction: every recipient's counter is bumped (row-locked until commit, in
      // device id order so two batches to overlapping devices queue rather than deadlock) and its package inserted
      // with the new seq. A deadlock still possible with other lock orders is retried.
      for (let attempt = 0; ; attempt++) {
        try {
          const { rows } = await pool.query<KeyPackageRow>(
            `WITH input AS (
               SELECT * FROM unnest($1::uuid[], $2::text[]) AS t(device_id, blob)
             ), bumped AS (
               INSERT INTO message_store_key_package_seq (device_id, last_seq)
               SELECT device_id, 1 FROM input ORDER BY device_id
               ON CONFLICT (device_id) DO UPDATE SET last_seq = message_store_key_package_seq.last_seq + 1
               RETURNING device_id, last_seq
             )
             INSERT INTO message_store_key_packages (recipient_device_id, seq, conversation_id, epoch, sender_user_id, sender_device_id, blob)
             SELECT b.device_id, b.last_seq, $3::uuid, $4::bigint, $5::uuid, $6::uuid, i.blob
               FROM bumped b JOIN input i ON i.device_id = b.device_id
             RETURNING ${KEY_PACKAGE_COLUMNS}`,
            [devices, blobs, batch.conversationId.toLowerCase(), batch.epoch, batch.senderUserId.toLowerCase(), batch.senderDeviceId.toLowerCase()],
          );
          return orderLike(devices, rows.map(toKeyPackage), (p) => p.recipientDeviceId);
        } catch (err) {
          if ((err as { code?: string }).code !== DEADLOCK_DETECTED || attempt >= 3) throw err;
        }
      }
    },

    async keyPackages(deviceId, afterSeq, limit): Promise<KeyPackagePage> {
      const { rows } = await pool.query<KeyPackageRow>(
        `SELECT ${KEY_PACKAGE_COLUMNS} FROM message_store_key_packages
          WHERE recipient_device_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [deviceId.toLowerCase(), afterSeq, limit + 1],
      );
      const packages = rows.map(toKeyPackage);
      return { packages: packages.slice(0, limit), hasMore: packages.length > limit };
    },

    async purgeKeyPackages(olderThan) {
      const { rowCount } = await pool.query('DELETE FROM message_store_key_packages WHERE created_at < $1', [olderThan]);
      return rowCount ?? 0;
    },

    async ping() {
      await pool.query('SELECT 1');
    },

    async close() {
      await pool.end();
    },
  };
}
