import type { ConversationMember } from '@cipherlink/proto';
import { dmKeyOf } from '../domain/dm-key';
import { isoOf, type ConversationRow, type PgPool } from './types';
import { withTransaction } from '@cipherlink/kit';

/** Conversations and who is in them. */
export interface ConversationStore {
  /**
   * Open (or find) the DM between two different users. Concurrency-safe: the unique `dm_key` lets exactly one
   * of several simultaneous opens create the row; its members are inserted in the same transaction, so the
   * others always read a complete conversation.
   */
  openDm(userA: string, userB: string): Promise<{ conversation: ConversationRow; created: boolean }>;
  /** The user's conversations with their members, newest first. */
  listOf(userId: string): Promise<ConversationRow[]>;
  /** The conversation if `userId` is one of its members; undefined otherwise (absent or not a member alike). */
  findForMember(conversationId: string, userId: string): Promise<ConversationRow | undefined>;
  idsOf(userId: string): Promise<string[]>;
  isMember(conversationId: string, userId: string): Promise<boolean>;
  /** Distinct users sharing at least one conversation with `userId`, excluding `userId`. */
  contactsOf(userId: string): Promise<string[]>;
  /** True when the two users are the same or share at least one conversation (who may see whose keys). */
  canSeeKeysOf(viewerId: string, userId: string): Promise<boolean>;
}

interface Row {
  id: string;
  kind: 'dm' | 'group';
  name: string | null;
  membership_version: string;
  created_at: Date;
  members: ConversationMember[];
}
const toConversation = (r: Row): ConversationRow => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  members: r.members,
  // bigint arrives as text; versions stay far below 2^53.
  membershipVersion: Number(r.membership_version),
  createdAt: isoOf(r.created_at),
});

/** Conversations with their members (and roles) aggregated; `filter` is a WHERE clause on `c` (the conversation). */
export const SELECT_WITH_MEMBERS = (filter: string) => `
  SELECT c.id, c.kind, c.name, c.membership_version, c.created_at,
         json_agg(json_build_object('id', u.id, 'username', u.username, 'role', m.role) ORDER BY u.username_lower) AS members
    FROM directory_conversations c
    JOIN directory_members m ON m.conversation_id = c.id
    JOIN directory_users u ON u.id = m.user_id
   WHERE ${filter}
   GROUP BY c.id`;

export function createConversationStore(pool: PgPool): ConversationStore {
  return {
    async openDm(userA, userB) {
      const dmKey = dmKeyOf(userA, userB);
      const created = await withTransaction(pool, async (client) => {
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO directory_conversations (kind, dm_key, membership_version) VALUES ('dm', $1, 1)
           ON CONFLICT (dm_key) DO NOTHING
           RETURNING id`,
          [dmKey],
        );
        const id = inserted.rows[0]?.id;
        if (!id) return false;
        await client.query(
          `INSERT INTO directory_members (conversation_id, user_id) VALUES ($1, $2), ($1, $3)`,
          [id, userA, userB],
        );
        return true;
      });
      const { rows } = await pool.query<Row>(SELECT_WITH_MEMBERS('c.dm_key = $1'), [dmKey]);
      if (!rows[0]) throw new Error('dm vanished after open');
      return { conversation: toConversation(rows[0]), created };
    },
    async listOf(userId) {
      const { rows } = await pool.query<Row>(
        `${SELECT_WITH_MEMBERS('c.id IN (SELECT conversation_id FROM directory_members WHERE user_id = $1)')}
         ORDER BY c.created_at DESC, c.id DESC`,
        [userId],
      );
      return rows.map(toConversation);
    },
    async findForMember(conversationId, userId) {
      const { rows } = await pool.query<Row>(
        SELECT_WITH_MEMBERS('c.id = $1 AND EXISTS (SELECT 1 FROM directory_members x WHERE x.conversation_id = c.id AND x.user_id = $2)'),
        [conversationId, userId],
      );
      return rows[0] ? toConversation(rows[0]) : undefined;
    },
    async idsOf(userId) {
      const { rows } = await pool.query<{ conversation_id: string }>(
        'SELECT conversation_id FROM directory_members WHERE user_id = $1 ORDER BY conversation_id',
        [userId],
      );
      return rows.map((r) => r.conversation_id);
    },
    async isMember(conversationId, userId) {
      const { rowCount } = await pool.query('SELECT 1 FROM directory_members WHERE conversation_id = $1 AND user_id = $2', [
        conversationId,
        userId,
      ]);
      return rowCount === 1;
    },
    async contactsOf(userId) {
      const { rows } = await pool.query<{ user_id: string }>(
        `SELECT DISTINCT other.user_id
           FROM directory_members mine
           JOIN directory_members other ON other.conversation_id = mine.conversation_id
          WHERE mine.user_id = $1 AND other.user_id <> $1
          ORDER BY other.user_id`,
        [userId],
      );
      return rows.map((r) => r.user_id);
    },
    async canSeeKeysOf(viewerId, userId) {
      if (viewerId.toLowerCase() === userId.toLowerCase()) return true;
      const { rowCount } = await pool.query(
        `SELECT 1
           FROM directory_members mine
           JOIN directory_members other ON other.conversation_id = mine.conversation_id
          WHERE mine.user_id = $1 AND other.user_id = $2
          LIMIT 1`,
        [viewerId, userId],
      );
      return rowCount === 1;
    },
  };
}
