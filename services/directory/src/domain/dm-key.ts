/**
 * The natural key of a direct conversation between two users: `"<smaller id>:<larger id>"` (ids lowercased).
 * It is the same whoever opens the DM, so a unique index on it makes concurrent opens converge on one row.
 *
 * @throws Error when both ids are the same user (a DM with yourself is not a conversation; callers check first).
 */
export function dmKeyOf(userA: string, userB: string): string {
  const a = userA.toLowerCase();
  const b = userB.toLowerCase();
  if (a === b) throw new Error('a DM needs two different users');
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** True when two user ids name the same user (UUIDs compare case-insensitively). */
export function isSameUser(userA: string, userB: string): boolean {
  return userA.toLowerCase() === userB.toLowerCase();
}
