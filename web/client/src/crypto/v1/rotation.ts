/**
 * When a sending device must start a new epoch (a new sender key) in a conversation, as a pure function
 * (docs/protocol-v1.md, "Rotation"):
 *
 * - membership changed: a user joined or left (a member who left must not read what follows; one who joined
 *   must not read what came before);
 * - any member's device set changed: a device was added or removed (a removed or stolen device stops at once;
 *   a new device gets only new keys);
 * - MAX_MESSAGES_PER_EPOCH messages were sent under the key;
 * - the key is MAX_EPOCH_AGE_MS old (or the clock reads earlier than its creation: rotating is the safe answer).
 *
 * A new epoch is distributed only to the devices of the current members, so a device left out can read nothing
 * sent under it.
 */

export const MAX_MESSAGES_PER_EPOCH = 1000;
export const MAX_EPOCH_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** Member user id -> that user's device ids (the sender's own user and its other devices included). */
export type MemberDevices = ReadonlyMap<string, ReadonlySet<string>> | Readonly<Record<string, readonly string[]>>;

export interface SenderKeyUsage {
  /** Milliseconds since the Unix epoch when the sender key was created. */
  createdAt: number;
  messagesSent: number;
  /** The members and devices the sender key was distributed to. */
  distributedTo: MemberDevices;
}

export type RotationReason = 'membership-changed' | 'devices-changed' | 'message-limit' | 'age-limit';

export type RotationDecision = { rotate: false } | { rotate: true; reason: RotationReason };

/** Whether the next message needs a new epoch, and why (the first reason found, in the order listed above). */
export function rotationDecision(usage: SenderKeyUsage, current: MemberDevices, now: number): RotationDecision {
  const before = normalise(usage.distributedTo);
  const after = normalise(current);
  if (!sameSet(new Set(before.keys()), new Set(after.keys()))) return { rotate: true, reason: 'membership-changed' };
  for (const [user, devices] of after) if (!sameSet(devices, before.get(user)!)) return { rotate: true, reason: 'devices-changed' };
  if (!(usage.messagesSent < MAX_MESSAGES_PER_EPOCH)) return { rotate: true, reason: 'message-limit' };
  const age = now - usage.createdAt;
  if (!(age >= 0 && age < MAX_EPOCH_AGE_MS)) return { rotate: true, reason: 'age-limit' };
  return { rotate: false };
}

function normalise(members: MemberDevices): Map<string, Set<string>> {
  const entries: [string, Iterable<string>][] = members instanceof Map ? [...members.entries()] : Object.entries(members);
  return new Map(entries.map(([user, devices]) => [user.toLowerCase(), new Set([...devices].map((d) => d.toLowerCase()))]));
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
