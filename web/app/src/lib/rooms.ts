import type { RoomMember, TrustState } from '@cipherlink/client';

/** What the local user may do to a member row (the directory enforces the same room policy). */
export interface MemberActions {
  promote: boolean;
  remove: boolean;
  /** Compare safety numbers: with anyone but yourself. */
  safetyNumber: boolean;
}

/** The local user's role in the room, from the member list. */
export function myRoleIn(members: readonly RoomMember[], myUserId: string): RoomMember['role'] | null {
  return members.find((m) => m.userId === myUserId)?.role ?? null;
}

/** Admins add, remove and promote; nobody acts on themselves here (leaving is its own button). */
export function memberActions(member: RoomMember, myRole: RoomMember['role'] | null, myUserId: string): MemberActions {
  const self = member.userId === myUserId;
  const admin = myRole === 'admin';
  return { promote: admin && !self && member.role === 'member', remove: admin && !self, safetyNumber: !self };
}

/** Admins first, then members; the local user first within their group; then by name. */
export function sortMembers(members: readonly RoomMember[], myUserId: string): RoomMember[] {
  const rank = (m: RoomMember) => (m.role === 'admin' ? 0 : 2) + (m.userId === myUserId ? 0 : 1);
  return [...members].sort((a, b) => rank(a) - rank(b) || a.username.localeCompare(b.username));
}

/**
 * "2 devices", with how many of them are not verified under the member's identity key (those never get keys and
 * their messages are refused, so the user should know).
 */
export function devicesText(devices: RoomMember['devices']): { text: string; unverified: number } {
  const unverified = devices.filter((d) => !d.verified).length;
  const text = devices.length === 0 ? 'No devices' : devices.length === 1 ? '1 device' : `${devices.length} devices`;
  return { text, unverified };
}

/** The short label and tone of a contact's trust state, for badges. `null`: nothing worth a badge. */
export function trustBadge(trust: TrustState): { label: string; tone: 'verified' | 'alert' | 'muted' } | null {
  switch (trust) {
    case 'verified':
      return { label: 'Verified', tone: 'verified' };
    case 'changed':
      return { label: 'Safety number changed', tone: 'alert' };
    case 'no-identity':
      return { label: 'No keys yet', tone: 'muted' };
    case 'unverified':
      return null;
  }
}
