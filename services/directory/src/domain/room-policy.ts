import { MAX_ROOM_MEMBERS, type ConversationKind, type MemberRole } from '@cipherlink/proto';

/** What a membership change needs to know about a conversation, read under its row lock. */
export interface RoomState {
  kind: ConversationKind;
  /** Current members (lowercase user ids) and their roles. */
  members: ReadonlyMap<string, MemberRole>;
}

/**
 * Outcome of a membership decision. `not_found` covers an unknown conversation, a DM (rooms only) and an actor who
 * is not a member alike, so ids cannot be probed.
 */
export type AddDecision = { kind: 'add' } | { kind: 'already_member' } | { kind: 'not_found' } | { kind: 'forbidden' } | { kind: 'full' };
export type RemoveDecision =
  | { kind: 'remove'; reason: 'left' | 'removed'; lastMember: boolean }
  | { kind: 'not_found' }
  | { kind: 'not_member' }
  | { kind: 'forbidden' }
  | { kind: 'last_admin' };
export type PromoteDecision = { kind: 'promote' } | { kind: 'already_admin' } | { kind: 'not_found' } | { kind: 'not_member' } | { kind: 'forbidden' };

const key = (id: string) => id.toLowerCase();

/** Only admins add members; adding a member again changes nothing; a room holds at most MAX_ROOM_MEMBERS. */
export function decideAddMember(room: RoomState | undefined, actorId: string, userId: string): AddDecision {
  const actorRole = room?.kind === 'group' ? room.members.get(key(actorId)) : undefined;
  if (!room || !actorRole) return { kind: 'not_found' };
  if (actorRole !== 'admin') return { kind: 'forbidden' };
  if (room.members.has(key(userId))) return { kind: 'already_member' };
  if (room.members.size >= MAX_ROOM_MEMBERS) return { kind: 'full' };
  return { kind: 'add' };
}

/**
 * Any member may remove themself (leave); admins may remove anyone. The last admin can be neither removed nor
 * leave while other members remain (they promote someone first), so a room never ends up without an admin; the
 * last member leaving empties the room.
 */
export function decideRemoveMember(room: RoomState | undefined, actorId: string, userId: string): RemoveDecision {
  const actorRole = room?.kind === 'group' ? room.members.get(key(actorId)) : undefined;
  if (!room || !actorRole) return { kind: 'not_found' };
  const leaving = key(actorId) === key(userId);
  if (!leaving && actorRole !== 'admin') return { kind: 'forbidden' };
  const targetRole = room.members.get(key(userId));
  if (!targetRole) return { kind: 'not_member' };
  const lastMember = room.members.size === 1;
  if (targetRole === 'admin' && !lastMember && adminCount(room) === 1) return { kind: 'last_admin' };
  return { kind: 'remove', reason: leaving ? 'left' : 'removed', lastMember };
}

/** Admins promote members to admin; promoting an admin again changes nothing. */
export function decidePromote(room: RoomState | undefined, actorId: string, userId: string): PromoteDecision {
  const actorRole = room?.kind === 'group' ? room.members.get(key(actorId)) : undefined;
  if (!room || !actorRole) return { kind: 'not_found' };
  if (actorRole !== 'admin') return { kind: 'forbidden' };
  const targetRole = room.members.get(key(userId));
  if (!targetRole) return { kind: 'not_member' };
  return targetRole === 'admin' ? { kind: 'already_admin' } : { kind: 'promote' };
}

/**
 * When an account is deleted, a room that loses its last admin but keeps members gets a new one: the member who
 * joined first (ties by user id), so the room stays manageable. Undefined when no promotion is needed.
 */
export function successorAdmin(remaining: readonly { userId: string; role: MemberRole; joinedAt: Date }[]): string | undefined {
  if (remaining.length === 0 || remaining.some((m) => m.role === 'admin')) return undefined;
  const sorted = [...remaining].sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime() || (a.userId < b.userId ? -1 : 1));
  return sorted[0]!.userId;
}

function adminCount(room: RoomState): number {
  let n = 0;
  for (const role of room.members.values()) if (role === 'admin') n++;
  return n;
}
