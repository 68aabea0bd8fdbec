import { withTransaction } from '@cipherlink/kit';
import type { ConversationKind, MemberRole } from '@cipherlink/proto';
import {
  decideAddMember,
  decidePromote,
  decideRemoveMember,
  type AddDecision,
  type PromoteDecision,
  type RemoveDecision,
  type RoomState,
} from '../domain/room-policy';
import { isoOf, type PgClient, type PgPool } from './types';

/** A membership change that happened (what the member-added / member-removed events carry). */
export interface MembershipChange {
  conversationId: string;
  kind: ConversationKind;
  userId: string;
  /** The membership version after the change. */
  version: number;
}

export type AddMemberResult = { decision: AddDecision['kind']; change?: MembershipChange };
export type RemoveMemberResult = { decision: RemoveDecision['kind']; change?: MembershipChange; reason?: 'left' | 'removed' };

/** One member as the members listing shows them (keys are added by the caller). */
export interface MemberRow {
  userId: string;
  username: string;
  role: MemberRole;
  joinedAt: string;
}

/**
 * Group rooms: creation and every membership change. Each change runs in one transaction that row-locks the
 * conversation, reads its members, asks the room policy (domain/room-policy.ts) and applies the answer, so
 * concurrent changes to one room happen one after another and the membership version grows by exactly one each.
 */
export interface RoomStore {
  /** A new room with `creatorId` as its only member and admin, at membership version 1. */
  create(creatorId: string, name: string): Promise<{ id: string; change: MembershipChange }>;
  addMember(conversationId: string, actorId: string, userId: string): Promise<AddMemberResult>;
  /** Remove `userId` (an admin's removal, or the user leaving); a room whose last member left is deleted. */
  removeMember(conversationId: string, actorId: string, userId: string): Promise<RemoveMemberResult>;
  promote(conversationId: string, actorId: string, userId: string): Promise<PromoteDecision['kind']>;
  /** The members (with roles) and membership version if `viewerId` is a member; undefined otherwise. */
  membersFor(conversationId: string, viewerId: string): Promise<{ kind: ConversationKind; membershipVersion: number; members: MemberRow[] } | undefined>;
}

/** Lock the conversation row and read what the policy needs; undefined when it does not exist. */
async function lockRoom(db: PgClient, conversationId: string): Promise<RoomState | undefined> {
  const conv = await db.query<{ kind: ConversationKind }>('SELECT kind FROM directory_conversations WHERE id = $1 FOR UPDATE', [conversationId]);
  const kind = conv.rows[0]?.kind;
  if (!kind) return undefined;
  const { rows } = await db.query<{ user_id: string; role: MemberRole }>('SELECT user_id, role FROM directory_members WHERE conversation_id = $1', [
    conversationId,
  ]);
  return { kind, members: new Map(rows.map((r) => [r.user_id, r.role])) };
}

async function bumpVersion(db: PgClient, conversationId: string): Promise<number> {
  const { rows } = await db.query<{ membership_version: string }>(
    'UPDATE directory_conversations SET membership_version = membership_version + 1 WHERE id = $1 RETURNING membership_version',
    [conversationId],
  );
  return Number(rows[0]!.membership_version);
}

export function createRoomStore(pool: PgPool): RoomStore {
  return {
    async create(creatorId, name) {
      return withTransaction(pool, async (db) => {
        const { rows } = await db.query<{ id: string }>(
          `INSERT INTO directory_conversations (kind, name, membership_version) VALUES ('group', $1, 1) RETURNING id`,
          [name],
        );
        const id = rows[0]!.id;
        await db.query(`INSERT INTO directory_members (conversation_id, user_id, role) VALUES ($1, $2, 'admin')`, [id, creatorId]);
        return { id, change: { conversationId: id, kind: 'group', userId: creatorId.toLowerCase(), version: 1 } };
      });
    },

    async addMember(conversationId, actorId, userId) {
      return withTransaction(pool, async (db) => {
        const decision = decideAddMember(await lockRoom(db, conversationId), actorId, userId);
        if (decision.kind !== 'add') return { decision: decision.kind };
        await db.query(`INSERT INTO directory_members (conversation_id, user_id, role) VALUES ($1, $2, 'member')`, [conversationId, userId]);
        const version = await bumpVersion(db, conversationId);
        return { decision: 'add', change: { conversationId, kind: 'group', userId: userId.toLowerCase(), version } };
      });
    },

    async removeMember(conversationId, actorId, userId) {
      return withTransaction(pool, async (db) => {
        const decision = decideRemoveMember(await lockRoom(db, conversationId), actorId, userId);
        if (decision.kind !== 'remove') return { decision: decision.kind };
        await db.query('DELETE FROM directory_members WHERE conversation_id = $1 AND user_id = $2', [conversationId, userId]);
        const version = await bumpVersion(db, conversationId);
        // Nobody can ever open an empty room again; its history stays in message-store, unreachable.
        if (decision.lastMember) await db.query('DELETE FROM directory_conversations WHERE id = $1', [conversationId]);
        return { decision: 'remove', reason: decision.reason, change: { conversationId, kind: 'group', userId: userId.toLowerCase(), version } };
      });
    },

    async promote(conversationId, actorId, userId) {
      return withTransaction(pool, async (db) => {
        const decision = decidePromote(await lockRoom(db, conversationId), actorId, userId);
        if (decision.kind === 'promote') {
          await db.query(`UPDATE directory_members SET role = 'admin' WHERE conversation_id = $1 AND user_id = $2`, [conversationId, userId]);
        }
        return decision.kind;
      });
    },

    async membersFor(conversationId, viewerId) {
      const { rows } = await pool.query<{
        kind: ConversationKind;
        membership_version: string;
        user_id: string;
        username: string;
        role: MemberRole;
        joined_at: Date;
      }>(
        `SELECT c.kind, c.membership_version, m.user_id, u.username, m.role, m.joined_at
           FROM directory_conversations c
           JOIN directory_members m ON m.conversation_id = c.id
           JOIN directory_users u ON u.id = m.user_id
          WHERE c.id = $1
            AND EXISTS (SELECT 1 FROM directory_members x WHERE x.conversation_id = c.id AND x.user_id = $2)
          ORDER BY m.joined_at, m.user_id`,
        [conversationId, viewerId],
      );
      const first = rows[0];
      if (!first) return undefined;
      return {
        kind: first.kind,
        membershipVersion: Number(first.membership_version),
        members: rows.map((r) => ({ userId: r.user_id, username: r.username, role: r.role, joinedAt: isoOf(r.joined_at) })),
      };
    },
  };
}
