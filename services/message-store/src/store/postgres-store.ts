import { fileURLToPath } from 'node:url';
import { createPgPool, migrate, type Logger, type PgClient } from '@cipherlink/kit';
import { Envelope, type MessageSendCommand, type StoredMessage } from '@cipherlink/proto';
import { canonicalCommand } from '../domain/canonical-command';
import { toHistoryPage } from '../domain/history-page';
import type { AppendResult, HistoryPage, MessageStore } from './message-store';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));
const UNIQUE_VIOLATION = '23505';

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

/** PostgreSQL adapter: tables `message_store_messages` and `message_store_conversation_seq`. */
export function createPostgresMessageStore(opts: { databaseUrl: string; logger: Logger; poolSize?: number }): MessageStore {
  const pool = createPgPool(opts.databaseUrl, { applicationName: 'message-store', max: opts.poolSize ?? 10 });

  async function findById(client: PgClient | typeof pool, id: string): Promise<StoredMessage | undefined> {
    const { rows } = await client.query<MessageRow>(`SELECT ${COLUMNS} FROM message_store_messages WHERE id = $1`, [id]);
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  async function appendOnce(cmd: MessageSendCommand): Promise<AppendResult> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const existing = await findById(client, cmd.id);
      if (existing) {
        await client.query('COMMIT');
        return { message: existing, created: false };
      }
      // The upsert row-locks the counter until COMMIT, so concurrent appends to one conversation queue here and
      // get consecutive seqs; a rollback (e.g. the id race below) gives the number back, leaving no gap.
      const counter = await client.query<{ last_seq: string }>(
        `INSERT INTO message_store_conversation_seq (conversation_id, last_seq) VALUES ($1, 1)
         ON CONFLICT (conversation_id) DO UPDATE SET last_seq = message_store_conversation_seq.last_seq + 1
         RETURNING last_seq`,
        [cmd.conversationId],
      );
      const seq = counter.rows[0]!.last_seq;
      const inserted = await client.query<MessageRow>(
        `INSERT INTO message_store_messages (id, conversation_id, seq, sender_user_id, sender_device_id, envelope)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [cmd.id, cmd.conversationId, seq, cmd.senderUserId, cmd.senderDeviceId, JSON.stringify(cmd.envelope)],
      );
      await client.query('COMMIT');
      return { message: toStored(inserted.rows[0]!), created: true };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
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

    async ping() {
      await pool.query('SELECT 1');
    },

    async close() {
      await pool.end();
    },
  };
}
